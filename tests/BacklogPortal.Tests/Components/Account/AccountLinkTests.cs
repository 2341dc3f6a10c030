using BacklogPortal.Tests.Infrastructure;

namespace BacklogPortal.Tests.Components.Account;

/// <summary>The portal behind a public address that differs from the one the request came in on.</summary>
public sealed class PublicAddressPortalAppFactory : PortalAppFactory
{
    public const string PublicBaseUrl = "https://portal.example.test/";

    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Portal:PublicBaseUrl"] = PublicBaseUrl,
    };
}

public sealed class AccountLinkTests(PublicAddressPortalAppFactory factory) : IClassFixture<PublicAddressPortalAppFactory>
{
    [Fact]
    public async Task AccountEmailLinksStartAtThePublicAddressNotAtTheRequestHost()
    {
        var email = AccountForms.UniqueEmail("public-link");
        await factory.CreateUserAsync(email, emailConfirmed: true);

        await factory.CreatePortalClient().SubmitAsync("/Account/ForgotPassword", "forgot-password",
            new Dictionary<string, string> { ["Input.Email"] = email });
        var link = (await factory.WaitForEmailToAsync(email)).LinkTo("/Account/ResetPassword");

        Assert.Equal("https", link.Scheme);
        Assert.Equal("portal.example.test", link.Host);
        Assert.DoesNotContain("localhost", (await factory.WaitForEmailToAsync(email)).HtmlBody);
    }
}
