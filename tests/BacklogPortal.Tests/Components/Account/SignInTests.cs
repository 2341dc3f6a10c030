using System.Net;
using BacklogPortal.Data.Demo;
using BacklogPortal.Tests.Infrastructure;

namespace BacklogPortal.Tests.Components.Account;

public sealed class SignInTests(PortalAppFactory factory) : IClassFixture<PortalAppFactory>
{
    [Fact]
    public async Task DemoCustomerSignInRedirectsToTheirBacklog()
    {
        var client = factory.CreatePortalClient();

        var signIn = await client.PostSignInAsync(DemoDataSeeder.AliceEmail, DemoDataSeeder.Password);
        var start = await client.GetAsync("/");

        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, start.StatusCode);
        Assert.Equal("/backlog", start.LocationPath());
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/backlog")).StatusCode);
    }

    [Fact]
    public async Task StaffUserLandsOnStaffDashboard()
    {
        var client = factory.CreatePortalClient();
        await client.SignInAsync(DemoDataSeeder.StaffEmail, DemoDataSeeder.Password);

        var start = await client.GetAsync("/");

        Assert.Equal(HttpStatusCode.Redirect, start.StatusCode);
        Assert.Equal("/staff", start.LocationPath());
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/staff")).StatusCode);
    }

    [Theory]
    [InlineData("/backlog")]
    [InlineData("/settings/notifications")]
    [InlineData("/staff")]
    [InlineData("/staff/lines")]
    [InlineData("/staff/import")]
    [InlineData("/staff/notifications")]
    [InlineData("/Account/Manage")]
    public async Task AnonymousRequestsToCustomerAndStaffPagesAreSentToSignIn(string path)
    {
        var client = factory.CreatePortalClient();

        var response = await client.GetAsync(path);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var location = response.LocationPath();
        Assert.StartsWith("/Account/Login?", location, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("ReturnUrl=" + Uri.EscapeDataString(path), location, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("/staff")]
    [InlineData("/staff/lines")]
    [InlineData("/staff/import")]
    [InlineData("/staff/notifications")]
    public async Task CustomerCannotOpenStaffPages(string path)
    {
        var client = factory.CreatePortalClient();
        await client.SignInAsync(DemoDataSeeder.AliceEmail, DemoDataSeeder.Password);

        var response = await client.GetAsync(path);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/Account/AccessDenied", response.LocationPath(), StringComparison.OrdinalIgnoreCase);
        var denial = await client.GetAsync(response.LocationPath());
        Assert.Equal(HttpStatusCode.Forbidden, denial.StatusCode);
        Assert.Contains("This page is not available to your account", await denial.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task WrongPasswordIsRefusedWithAClearMessage()
    {
        var client = factory.CreatePortalClient();

        var response = await client.PostSignInAsync(DemoDataSeeder.BobEmail, "not-the-password");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("Invalid email or password.", html);
        Assert.DoesNotContain("not-the-password", html);
        Assert.Contains(DemoDataSeeder.BobEmail, html);
        Assert.Equal(HttpStatusCode.Redirect, (await client.GetAsync("/backlog")).StatusCode);
    }

    [Fact]
    public async Task FiveWrongPasswordsLockTheAccount()
    {
        // A user of its own: the demo users must stay usable for the other tests.
        var email = AccountForms.UniqueEmail("lockout");
        await factory.CreateUserAsync(email, emailConfirmed: true);
        var client = factory.CreatePortalClient();

        for (var attempt = 1; attempt <= 4; attempt++)
        {
            var failed = await client.PostSignInAsync(email, "Wrong-Passw0rd!");
            Assert.Equal(HttpStatusCode.OK, failed.StatusCode);
            Assert.Contains("Invalid email or password.", await failed.Content.ReadAsStringAsync());
        }
        var fifth = await client.PostSignInAsync(email, "Wrong-Passw0rd!");
        var rightPassword = await client.PostSignInAsync(email, AccountForms.StrongPassword);

        Assert.Equal(HttpStatusCode.Redirect, fifth.StatusCode);
        Assert.StartsWith("/Account/Lockout", fifth.LocationPath());
        Assert.Equal(HttpStatusCode.Redirect, rightPassword.StatusCode);
        Assert.StartsWith("/Account/Lockout", rightPassword.LocationPath());
        Assert.True(await factory.WithUserAsync(email, (users, user) => users.IsLockedOutAsync(user)));
        Assert.Equal(HttpStatusCode.Redirect, (await client.GetAsync("/backlog")).StatusCode);

        var lockoutPage = await client.GetStringAsync(rightPassword.LocationPath());
        Assert.Contains("You can try again in 15 minutes.", lockoutPage);
    }

    [Fact]
    public async Task UnconfirmedUserCannotSignIn()
    {
        var email = AccountForms.UniqueEmail("unconfirmed");
        await factory.CreateUserAsync(email, emailConfirmed: false);
        var client = factory.CreatePortalClient();

        var response = await client.PostSignInAsync(email, AccountForms.StrongPassword);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("Please confirm your email address first.", html);
        Assert.Contains($"href=\"Account/ResendEmailConfirmation?email={Uri.EscapeDataString(email)}\"", html);
        Assert.Equal(HttpStatusCode.Redirect, (await client.GetAsync("/Account/Manage")).StatusCode);
    }

    [Fact]
    public async Task UnconfirmedAccountIsOnlyRevealedToSomeoneWhoKnowsThePassword()
    {
        var email = AccountForms.UniqueEmail("unconfirmed-guess");
        await factory.CreateUserAsync(email, emailConfirmed: false);
        var client = factory.CreatePortalClient();

        var response = await client.PostSignInAsync(email, "Wrong-Passw0rd!");

        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("Invalid email or password.", html);
        Assert.DoesNotContain("confirm your email address", html);
        Assert.Equal(1, await factory.WithUserAsync(email, (users, user) => users.GetAccessFailedCountAsync(user)));
    }

    [Fact]
    public async Task ResendConfirmationSendsANewLinkThatConfirmsTheAccount()
    {
        var email = AccountForms.UniqueEmail("resend");
        await factory.CreateUserAsync(email, emailConfirmed: false);
        var client = factory.CreatePortalClient();

        var sent = await client.SubmitAsync($"/Account/ResendEmailConfirmation?email={Uri.EscapeDataString(email)}",
            "resend-email-confirmation", new Dictionary<string, string> { ["Input.Email"] = email });
        var message = await factory.WaitForEmailToAsync(email);
        var confirmed = await client.GetAsync(message.LinkTo("/Account/ConfirmEmail").PathAndQuery);

        Assert.Equal(HttpStatusCode.OK, sent.StatusCode);
        Assert.Equal(HttpStatusCode.OK, confirmed.StatusCode);
        Assert.True(await factory.WithUserAsync(email, (users, user) => users.IsEmailConfirmedAsync(user)));
        await client.SignInAsync(email, AccountForms.StrongPassword);
    }

    [Fact]
    public async Task SignOutEndsTheSessionAndReturnsToSignIn()
    {
        var client = factory.CreatePortalClient();
        await client.SignInAsync(DemoDataSeeder.BobEmail, DemoDataSeeder.Password);
        // The same form as the interactive layout's menu: antiforgery token, ReturnUrl "Account/Login".
        var token = HttpSignIn.AntiforgeryToken(await client.GetStringAsync("/Account/Manage"));

        var signOut = await client.PostAsync("/Account/Logout", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token,
            ["ReturnUrl"] = "Account/Login",
        }));

        Assert.Equal(HttpStatusCode.Redirect, signOut.StatusCode);
        Assert.Equal("/Account/Login", signOut.LocationPath());
        var afterwards = await client.GetAsync("/backlog");
        Assert.Equal(HttpStatusCode.Redirect, afterwards.StatusCode);
        Assert.StartsWith("/Account/Login", afterwards.LocationPath());
    }

    [Fact]
    public async Task SignOutWithoutAntiforgeryTokenIsRejected()
    {
        var client = factory.CreatePortalClient();
        await client.SignInAsync(DemoDataSeeder.BobEmail, DemoDataSeeder.Password);

        var signOut = await client.PostAsync("/Account/Logout", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["ReturnUrl"] = "Account/Login",
        }));

        Assert.Equal(HttpStatusCode.BadRequest, signOut.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/backlog")).StatusCode);
    }
}
