using System.Net;
using AngleSharp.Html.Parser;
using BacklogPortal.Tests.Infrastructure;

namespace BacklogPortal.Tests.Components.Account;

/// <summary>Two-factor authentication end to end: set up on the account page, asked for at sign-in.</summary>
public sealed class TwoFactorTests(PortalAppFactory factory) : IClassFixture<PortalAppFactory>
{
    [Fact]
    public async Task AuthenticatorSetUpOnTheAccountPageIsAskedForAtTheNextSignIn()
    {
        var email = AccountForms.UniqueEmail("two-factor");
        var (key, _) = await SetUpAuthenticatorAsync(email);

        var client = factory.CreatePortalClient();
        var password = await client.PostSignInAsync(email, AccountForms.StrongPassword);
        Assert.Equal(HttpStatusCode.Redirect, password.StatusCode);
        Assert.StartsWith("/Account/LoginWith2fa", password.LocationPath());
        Assert.Equal(HttpStatusCode.Redirect, (await client.GetAsync("/Account/Manage")).StatusCode);

        var wrongCode = await client.SubmitAsync(password.LocationPath(), "login-with-2fa",
            new Dictionary<string, string> { ["Input.TwoFactorCode"] = CodeTheAppDoesNotShow(key) });
        Assert.Equal(HttpStatusCode.OK, wrongCode.StatusCode);
        Assert.Contains("That code is not valid.", await wrongCode.Content.ReadAsStringAsync());

        var rightCode = await client.SubmitAsync(password.LocationPath(), "login-with-2fa",
            new Dictionary<string, string> { ["Input.TwoFactorCode"] = Totp.Code(key, DateTimeOffset.UtcNow) });
        Assert.Equal(HttpStatusCode.Redirect, rightCode.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/Account/Manage")).StatusCode);
    }

    [Fact]
    public async Task RecoveryCodeSignsInOnlyOnce()
    {
        var email = AccountForms.UniqueEmail("recovery");
        var (_, recoveryCodes) = await SetUpAuthenticatorAsync(email);

        var first = await SignInWithRecoveryCodeAsync(email, recoveryCodes[0]);
        var again = await SignInWithRecoveryCodeAsync(email, recoveryCodes[0]);

        Assert.Equal(HttpStatusCode.Redirect, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Contains("That recovery code is not valid or has been used already.", await again.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task CodePageWithoutThePasswordStepSendsBackToSignIn()
    {
        var response = await factory.CreatePortalClient().GetAsync("/Account/LoginWith2fa");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/Account/Login", response.LocationPath());
    }

    /// <summary>A 6-digit code that is valid in none of the time steps Identity accepts around now.</summary>
    private static string CodeTheAppDoesNotShow(string key)
    {
        var valid = Enumerable.Range(-3, 7).Select(step => Totp.Code(key, DateTimeOffset.UtcNow.AddSeconds(30 * step))).ToHashSet();
        return Enumerable.Range(0, 10).Select(n => new string((char)('0' + n), 6)).First(code => !valid.Contains(code));
    }

    /// <summary>A confirmed user who scans the key of the account page and confirms it with a code, as a person would.</summary>
    private async Task<(string Key, string[] RecoveryCodes)> SetUpAuthenticatorAsync(string email)
    {
        await factory.CreateUserAsync(email, emailConfirmed: true);
        var client = factory.CreatePortalClient();
        await client.SignInAsync(email, AccountForms.StrongPassword);

        var setup = await new HtmlParser().ParseDocumentAsync(await client.GetStringAsync("/Account/Manage/EnableAuthenticator"));
        var key = setup.QuerySelector("[data-testid=authenticator-key]")!.TextContent.Trim();
        var verified = await client.SubmitAsync("/Account/Manage/EnableAuthenticator", "send-code",
            new Dictionary<string, string> { ["Input.Code"] = Totp.Code(key, DateTimeOffset.UtcNow) });

        Assert.Equal(HttpStatusCode.OK, verified.StatusCode);
        var page = await new HtmlParser().ParseDocumentAsync(await verified.Content.ReadAsStringAsync());
        var recoveryCodes = page.QuerySelectorAll("[data-testid=recovery-codes] code").Select(code => code.TextContent.Trim()).ToArray();
        Assert.Equal(10, recoveryCodes.Length);
        Assert.True(await factory.WithUserAsync(email, (users, user) => users.GetTwoFactorEnabledAsync(user)));
        return (key, recoveryCodes);
    }

    private async Task<HttpResponseMessage> SignInWithRecoveryCodeAsync(string email, string recoveryCode)
    {
        var client = factory.CreatePortalClient();
        var password = await client.PostSignInAsync(email, AccountForms.StrongPassword);
        Assert.StartsWith("/Account/LoginWith2fa", password.LocationPath());
        return await client.SubmitAsync("/Account/LoginWithRecoveryCode", "login-with-recovery-code",
            new Dictionary<string, string> { ["Input.RecoveryCode"] = recoveryCode });
    }
}
