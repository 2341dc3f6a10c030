using BacklogPortal.Hosting;
using BacklogPortal.Notifications;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Internal;

namespace BacklogPortal.Tests.Notifications;

public sealed class PublicBaseUrlCheckTests
{
    [Theory]
    [InlineData("Production", "http://localhost:5000", true)]
    [InlineData("Staging", "http://localhost:5000/", true)]
    [InlineData("Development", "http://localhost:5000", false)]
    [InlineData("Production", "https://portal.example.com", false)]
    public void TheDefaultAddressOutsideDevelopmentIsReported(string environment, string publicBaseUrl, bool warned)
    {
        var host = new HostingEnvironment { EnvironmentName = environment };

        Assert.Equal(warned, PublicBaseUrlCheck.IsLeftAtDefault(new PortalOptions { PublicBaseUrl = publicBaseUrl }, host));
    }
}
