using System.Net;
using BacklogPortal.Data.Demo;
using BacklogPortal.Tests.Infrastructure;

namespace BacklogPortal.Tests.Backlog;

public sealed class BacklogHttpTests(PortalAppFactory factory) : IClassFixture<PortalAppFactory>
{
    [Fact]
    public async Task AnonymousVisitorIsSentToSignIn()
    {
        var client = factory.CreatePortalClient();

        var response = await client.GetAsync("/backlog");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/Account/Login", response.Headers.Location!.PathAndQuery);
    }

    [Fact]
    public async Task DemoCustomerSignsInAndSeesTheirCustomerName()
    {
        var client = factory.CreatePortalClient();
        await client.SignInAsync(DemoDataSeeder.AliceEmail, DemoDataSeeder.Password);

        var html = await client.GetStringAsync("/backlog");

        Assert.Contains("Northwind Traders", html);
        Assert.DoesNotContain("Contoso Retail", html);
    }

    [Fact]
    public async Task ASignedInCustomersBacklogStartsACircuitButTheNotFoundPageDoesNot()
    {
        var client = factory.CreatePortalClient();
        await client.SignInAsync(DemoDataSeeder.AliceEmail, DemoDataSeeder.Password);

        var backlog = await client.GetStringAsync("/backlog");
        var missing = await client.GetAsync("/no-such-page");
        var notFound = await missing.Content.ReadAsStringAsync();

        // The marker from which blazor.web.js starts an interactive server circuit.
        const string ServerComponentMarker = "\"type\":\"server\"";
        Assert.Contains(ServerComponentMarker, backlog);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Contains("We could not find that page", notFound);
        Assert.DoesNotContain(ServerComponentMarker, notFound);
        // The portal's look (MudBlazor's stylesheet, fingerprinted), not the Identity pages' one.
        Assert.Contains("_content/MudBlazor/MudBlazor.min.", notFound);
    }

    [Fact]
    public async Task HealthAnswersWhenTheDatabaseDoes()
    {
        var response = await factory.CreatePortalClient().GetAsync("/health");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
