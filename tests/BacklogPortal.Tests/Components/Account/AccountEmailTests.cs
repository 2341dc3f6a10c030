using System.Net;
using BacklogPortal.Domain;
using BacklogPortal.Notifications;
using BacklogPortal.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace BacklogPortal.Tests.Components.Account;

/// <summary>Registration and password reset: emails over real SMTP to the in-process server, links followed.</summary>
public sealed class AccountEmailTests(PortalAppFactory factory) : IClassFixture<PortalAppFactory>
{
    [Fact]
    public async Task RegistrationSendsAConfirmationEmailWhoseLinkConfirmsTheAccount()
    {
        var email = AccountForms.UniqueEmail("register");
        var client = factory.CreatePortalClient();

        var registered = await client.SubmitAsync("/Account/Register", "register", new Dictionary<string, string>
        {
            ["Input.DisplayName"] = "Rita Register",
            ["Input.Email"] = email,
            ["Input.Password"] = AccountForms.StrongPassword,
            ["Input.ConfirmPassword"] = AccountForms.StrongPassword,
        });
        Assert.Equal(HttpStatusCode.Redirect, registered.StatusCode);
        Assert.StartsWith("/Account/RegisterConfirmation", registered.LocationPath());
        Assert.False(await factory.WithUserAsync(email, (users, user) => users.IsEmailConfirmedAsync(user)));

        var message = await factory.WaitForEmailToAsync(email);
        Assert.Contains("Confirm", message.Subject);
        Assert.Contains("/Account/ConfirmEmail?", message.HtmlBody);
        var link = message.LinkTo("/Account/ConfirmEmail");
        Assert.Equal("localhost", link.Host);

        var confirmation = await client.GetAsync(link.PathAndQuery);
        Assert.Equal(HttpStatusCode.OK, confirmation.StatusCode);
        Assert.Contains("Email address confirmed", await confirmation.Content.ReadAsStringAsync());
        Assert.True(await factory.WithUserAsync(email, (users, user) => users.IsEmailConfirmedAsync(user)));

        // Registration grants nothing: the Customer role and the customer come when customer service links the account.
        Assert.Empty(await factory.WithUserAsync(email, (users, user) => users.GetRolesAsync(user)));
        Assert.Null(await factory.WithUserAsync(email, (_, user) => Task.FromResult(user.CustomerId)));
        await client.SignInAsync(email, AccountForms.StrongPassword);
        var start = await client.GetStringAsync("/");
        Assert.Contains("data-testid=\"awaiting-link\"", start);
        Assert.Equal(HttpStatusCode.Redirect, (await client.GetAsync("/backlog")).StatusCode);
    }

    [Fact]
    public async Task ConfirmationLinkWorksOnlyWithItsOwnCode()
    {
        var email = AccountForms.UniqueEmail("tampered");
        var user = await factory.CreateUserAsync(email, emailConfirmed: false);
        var client = factory.CreatePortalClient();

        var response = await client.GetAsync($"/Account/ConfirmEmail?userId={user.Id}&code=bm90LWEtdG9rZW4");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("invalid or has expired", await response.Content.ReadAsStringAsync());
        Assert.False(await factory.WithUserAsync(email, (users, u) => users.IsEmailConfirmedAsync(u)));
    }

    [Fact]
    public async Task RegistrationWithATakenAddressAnswersAsForANewOneAndTellsTheOwner()
    {
        var taken = AccountForms.UniqueEmail("taken");
        await factory.CreateUserAsync(taken, emailConfirmed: true);
        var fresh = AccountForms.UniqueEmail("fresh");

        var forTaken = await RegisterAsync(taken);
        var forFresh = await RegisterAsync(fresh);

        Assert.Equal(HttpStatusCode.Redirect, forTaken.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, forFresh.StatusCode);
        Assert.Equal(forFresh.LocationPath().Replace(Uri.EscapeDataString(fresh), "ADDRESS"), forTaken.LocationPath().Replace(Uri.EscapeDataString(taken), "ADDRESS"));
        var toOwner = await factory.WaitForEmailToAsync(taken);
        Assert.Contains("has an account already", toOwner.TextBody);
        Assert.Equal("/Account/Login", toOwner.LinkTo("/Account/Login").AbsolutePath);
        // No second account was made for the taken address.
        Assert.Equal("Test User", await factory.WithUserAsync(taken, (_, user) => Task.FromResult(user.DisplayName)));
    }

    [Fact]
    public async Task PasswordResetEmailsToOneAddressStopAtTheLimitWithoutTellingTheRequester()
    {
        var email = AccountForms.UniqueEmail("flood");
        await factory.CreateUserAsync(email, emailConfirmed: true);
        var client = factory.CreatePortalClient();

        var pages = new List<string>();
        for (var i = 0; i < 6; i++)
        {
            var response = await client.SubmitAsync("/Account/ForgotPassword", "forgot-password", new Dictionary<string, string> { ["Input.Email"] = email });
            pages.Add(response.LocationPath());
        }

        // The requester sees the same answer every time.
        Assert.Single(pages.Distinct());
        // Account emails are queued before the form answers, so the queue holds all that will go out:
        // three, the default limit per address; the dispatcher then sends those three.
        var queued = await factory.AccountEmailsToAsync(email);
        Assert.Equal(3, queued.Count);
        await factory.Smtp.WaitForMessageAsync(_ => factory.Smtp.MessagesTo(email).Count >= 3);
        Assert.Equal(3, factory.Smtp.MessagesTo(email).Count);
    }

    [Fact]
    public async Task AccountEmailsGoThroughTheOutboxAndStaffSeeThemWithoutTheLink()
    {
        var email = AccountForms.UniqueEmail("outbox");
        await factory.CreateUserAsync(email, emailConfirmed: true);
        var client = factory.CreatePortalClient();

        await client.SubmitAsync("/Account/ForgotPassword", "forgot-password", new Dictionary<string, string> { ["Input.Email"] = email });

        var message = await factory.WaitForEmailToAsync(email);
        var link = message.LinkTo("/Account/ResetPassword");
        var queued = Assert.Single(await factory.AccountEmailsToAsync(email));
        // The dispatcher sent it: the stored row's Message-ID is the one that arrived, and it shows as sent.
        Assert.Equal(queued.MessageId, message.MessageId);
        var log = factory.Services.GetRequiredService<NotificationLog>();
        var detail = await WaitForAsync(async () => await log.GetAsync(queued.Id) is { Status: NotificationStatus.Sent } sent ? sent : null);
        Assert.Equal(NotificationKind.AccountEmail, detail.Kind);
        Assert.True(detail.BodyHidden);
        Assert.Null(detail.HtmlBody);
        Assert.Null(detail.TextBody);
        var page = await log.GetPageAsync(new NotificationLogQuery(0, 20, Search: email));
        var row = Assert.Single(page.Items);
        Assert.Equal("Reset your BacklogPortal password", row.Subject);
        // Nothing staff can read carries the token.
        var code = System.Web.HttpUtility.ParseQueryString(link.Query)["code"]!;
        Assert.DoesNotContain(code, System.Text.Json.JsonSerializer.Serialize(new object[] { detail, row }));
    }

    private static async Task<T> WaitForAsync<T>(Func<Task<T?>> read) where T : class
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        while (true)
        {
            if (await read() is { } value)
            {
                return value;
            }
            // Polls the database the dispatcher writes to; nothing else signals its record.
            await Task.Delay(20, timeout.Token);
        }
    }

    private Task<HttpResponseMessage> RegisterAsync(string email) =>
        factory.CreatePortalClient().SubmitAsync("/Account/Register", "register", new Dictionary<string, string>
        {
            ["Input.DisplayName"] = "Second Try",
            ["Input.Email"] = email,
            ["Input.Password"] = AccountForms.StrongPassword,
            ["Input.ConfirmPassword"] = AccountForms.StrongPassword,
        });

    [Fact]
    public async Task WeakPasswordIsRefusedWithTheRules()
    {
        var email = AccountForms.UniqueEmail("weak");
        var client = factory.CreatePortalClient();

        var response = await client.SubmitAsync("/Account/Register", "register", new Dictionary<string, string>
        {
            ["Input.DisplayName"] = "Wendy Weak",
            ["Input.Email"] = email,
            ["Input.Password"] = "password",
            ["Input.ConfirmPassword"] = "password",
        });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("Passwords must have at least one digit", await response.Content.ReadAsStringAsync());
        await Assert.ThrowsAsync<InvalidOperationException>(() => factory.WithUserAsync(email, (_, user) => Task.FromResult(user.Id)));
    }

    [Fact]
    public async Task ANameWithAControlCharacterIsRefusedAndNoAccountIsCreated()
    {
        var email = AccountForms.UniqueEmail("nul");
        var client = factory.CreatePortalClient();

        var response = await client.SubmitAsync("/Account/Register", "register", new Dictionary<string, string>
        {
            ["Input.DisplayName"] = "Nina\u0001Null",
            ["Input.Email"] = email,
            ["Input.Password"] = AccountForms.StrongPassword,
            ["Input.ConfirmPassword"] = AccountForms.StrongPassword,
        });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("Control characters (line breaks, tabs, ...) are not allowed here.", await response.Content.ReadAsStringAsync());
        await Assert.ThrowsAsync<InvalidOperationException>(() => factory.WithUserAsync(email, (_, user) => Task.FromResult(user.Id)));
    }

    [Fact]
    public async Task ForgotPasswordSendsAResetLinkThatSetsANewPassword()
    {
        var email = AccountForms.UniqueEmail("forgot");
        await factory.CreateUserAsync(email, emailConfirmed: true);
        var client = factory.CreatePortalClient();
        const string newPassword = "N3w-Delivery-Date!";

        var requested = await client.SubmitAsync("/Account/ForgotPassword", "forgot-password",
            new Dictionary<string, string> { ["Input.Email"] = email });
        Assert.Equal(HttpStatusCode.Redirect, requested.StatusCode);
        Assert.Equal("/Account/ForgotPasswordConfirmation", requested.LocationPath());

        var message = await factory.WaitForEmailToAsync(email);
        var link = message.LinkTo("/Account/ResetPassword");
        var reset = await client.SubmitAsync(link.PathAndQuery, "reset-password", new Dictionary<string, string>
        {
            ["Input.Email"] = email,
            ["Input.Password"] = newPassword,
            ["Input.ConfirmPassword"] = newPassword,
        });
        Assert.Equal(HttpStatusCode.Redirect, reset.StatusCode);
        Assert.Equal("/Account/ResetPasswordConfirmation", reset.LocationPath());

        var oldPassword = await factory.CreatePortalClient().PostSignInAsync(email, AccountForms.StrongPassword);
        Assert.Equal(HttpStatusCode.OK, oldPassword.StatusCode);
        await factory.CreatePortalClient().SignInAsync(email, newPassword);
    }

    [Fact]
    public async Task ResetLinkCannotBeUsedTwice()
    {
        var email = AccountForms.UniqueEmail("reuse");
        await factory.CreateUserAsync(email, emailConfirmed: true);
        var client = factory.CreatePortalClient();
        await client.SubmitAsync("/Account/ForgotPassword", "forgot-password", new Dictionary<string, string> { ["Input.Email"] = email });
        var link = (await factory.WaitForEmailToAsync(email)).LinkTo("/Account/ResetPassword");
        var fields = new Dictionary<string, string>
        {
            ["Input.Email"] = email,
            ["Input.Password"] = "F1rst-New-Password!",
            ["Input.ConfirmPassword"] = "F1rst-New-Password!",
        };
        Assert.Equal(HttpStatusCode.Redirect, (await client.SubmitAsync(link.PathAndQuery, "reset-password", fields)).StatusCode);

        fields["Input.Password"] = fields["Input.ConfirmPassword"] = "Sec0nd-New-Password!";
        var second = await client.SubmitAsync(link.PathAndQuery, "reset-password", fields);

        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Contains("This reset link is invalid or has expired", await second.Content.ReadAsStringAsync());
        await factory.CreatePortalClient().SignInAsync(email, "F1rst-New-Password!");
    }

    [Fact]
    public async Task ForgotPasswordForAnUnknownAddressLooksTheSameAndSendsNothing()
    {
        var client = factory.CreatePortalClient();
        var before = factory.Smtp.Messages.Count;

        var requested = await client.SubmitAsync("/Account/ForgotPassword", "forgot-password",
            new Dictionary<string, string> { ["Input.Email"] = AccountForms.UniqueEmail("nobody") });

        Assert.Equal(HttpStatusCode.Redirect, requested.StatusCode);
        Assert.Equal("/Account/ForgotPasswordConfirmation", requested.LocationPath());
        Assert.Equal(before, factory.Smtp.Messages.Count);
    }
}
