using System.Net;
using AngleSharp.Html.Parser;
using BacklogPortal.Data.Demo;
using BacklogPortal.Tests.Infrastructure;

namespace BacklogPortal.Tests.Components.Account;

/// <summary>The account pages look and speak like the product, not like the project template.</summary>
public sealed class AccountPagesTests(PortalAppFactory factory) : IClassFixture<PortalAppFactory>
{
    public static TheoryData<string> AnonymousPages =>
    [
        "/Account/Login",
        "/Account/Register",
        "/Account/ForgotPassword",
        "/Account/ForgotPasswordConfirmation",
        "/Account/ResendEmailConfirmation",
        "/Account/RegisterConfirmation?email=someone%40example.net",
        "/Account/ResetPasswordConfirmation",
        "/Account/InvalidPasswordReset",
        "/Account/Lockout",
        "/Account/AccessDenied",
    ];

    public static TheoryData<string> ManagePages =>
    [
        "/Account/Manage",
        "/Account/Manage/Email",
        "/Account/Manage/ChangePassword",
        "/Account/Manage/TwoFactorAuthentication",
        "/Account/Manage/EnableAuthenticator",
        "/Account/Manage/Passkeys",
        "/Account/Manage/PersonalData",
        "/Account/Manage/DeletePersonalData",
    ];

    [Theory]
    [MemberData(nameof(AnonymousPages))]
    public async Task AnonymousAccountPagesUseTheProductFrameAndWording(string path)
    {
        var response = await factory.CreatePortalClient().GetAsync(path);

        await AssertProductPageAsync(response);
    }

    [Theory]
    [MemberData(nameof(ManagePages))]
    public async Task AccountSettingsPagesUseTheProductFrameWithTheirNavigation(string path)
    {
        var client = factory.CreatePortalClient();
        await client.SignInAsync(DemoDataSeeder.StaffEmail, DemoDataSeeder.Password);

        var response = await client.GetAsync(path);

        var document = await AssertProductPageAsync(response);
        Assert.NotNull(document.QuerySelector("nav.manage-nav a.active[aria-current=page]"));
        Assert.NotNull(document.QuerySelector("[data-testid=sign-out]"));
    }

    [Fact]
    public async Task EveryScriptAndStylesheetOfTheSignInPageIsServed()
    {
        var client = factory.CreatePortalClient();
        var document = await new HtmlParser().ParseDocumentAsync(await client.GetStringAsync("/Account/Login"));
        var assets = document.QuerySelectorAll("script[src]").Select(e => e.GetAttribute("src")!)
            .Concat(document.QuerySelectorAll("link[rel=stylesheet]").Select(e => e.GetAttribute("href")!))
            .ToList();

        // The passkey button needs its script; collocated .razor.js files are served under their path in the project (src/...).
        Assert.Contains(assets, asset => asset.Contains("PasskeySubmit", StringComparison.Ordinal));
        foreach (var asset in assets)
        {
            var response = await client.GetAsync("/" + asset.TrimStart('/'));
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{asset}: {(int)response.StatusCode}");
        }
    }

    [Fact]
    public async Task SignInPageOffersNoExternalProvidersWhenNoneIsConfigured()
    {
        var html = await factory.CreatePortalClient().GetStringAsync("/Account/Login");

        Assert.DoesNotContain("PerformExternalLogin", html);
        Assert.DoesNotContain("another service", html, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task RegisterPageExplainsThatCustomerServiceLinksTheAccount()
    {
        var document = await new HtmlParser().ParseDocumentAsync(await factory.CreatePortalClient().GetStringAsync("/Account/Register"));

        var notice = System.Text.RegularExpressions.Regex.Replace(document.QuerySelector("[data-testid=link-notice]")?.TextContent ?? "", @"\s+", " ");
        Assert.Contains("links your account to your company's customer account", notice);
        Assert.Contains("At least 8 characters", document.QuerySelector("#password-help")?.TextContent);
    }

    [Fact]
    public async Task AuthenticatorSetupShowsAQrCodeForThePortal()
    {
        var client = factory.CreatePortalClient();
        await client.SignInAsync(DemoDataSeeder.StaffEmail, DemoDataSeeder.Password);

        var document = await new HtmlParser().ParseDocumentAsync(await client.GetStringAsync("/Account/Manage/EnableAuthenticator"));

        Assert.StartsWith("data:image/png;base64,", document.QuerySelector("[data-testid=authenticator-qr]")?.GetAttribute("src"));
        Assert.Matches("^([a-z2-7]{4} )+[a-z2-7]{1,4}$", document.QuerySelector("[data-testid=authenticator-key]")?.TextContent.Trim());
    }

    private static async Task<AngleSharp.Html.Dom.IHtmlDocument> AssertProductPageAsync(HttpResponseMessage response)
    {
        Assert.True(response.IsSuccessStatusCode || response.StatusCode == HttpStatusCode.Forbidden, $"{response.StatusCode}");
        var html = await response.Content.ReadAsStringAsync();
        var document = await new HtmlParser().ParseDocumentAsync(html);

        Assert.EndsWith(" · BacklogPortal", document.Title);
        Assert.NotNull(document.QuerySelector("header.acct-topbar a.acct-brand svg"));
        Assert.NotNull(document.QuerySelector("h1"));
        Assert.Null(document.QuerySelector("[class*=mud-]"));
        var text = document.Body!.TextContent;
        Assert.DoesNotContain("Log in", text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("login", text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("go.microsoft.com", html);
        Assert.DoesNotContain("aka.ms", html);
        return document;
    }
}
