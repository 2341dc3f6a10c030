using System.Net;
using BacklogPortal.Data;
using BacklogPortal.Data.Demo;
using BacklogPortal.Email;
using BacklogPortal.Tests.Components.Account;
using BacklogPortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BacklogPortal.Tests.Hosting;

/// <summary>Malformed values an attacker or a mangling mail client sends get the page or a clear message, never a 500.</summary>
public sealed class BadInputTests(PortalAppFactory factory) : IClassFixture<PortalAppFactory>
{
    [Theory]
    [InlineData("abc")]
    [InlineData("1.5")]
    [InlineData("99999999999")]
    [InlineData("105%3E")]
    [InlineData("-1")]
    public async Task AMalformedLineInAnEmailLinkStillShowsTheOrder(string line)
    {
        var orderNumber = await AnOrderNumberOfAsync(DemoDataSeeder.AliceEmail);
        var client = factory.CreatePortalClient();
        await client.SignInAsync(DemoDataSeeder.AliceEmail, DemoDataSeeder.Password);

        var response = await client.GetAsync($"/orders/{orderNumber}?line={line}&respond=accept");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains($"Order {orderNumber}", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task TheLockoutPageIgnoresAMinutesValueThatIsNotANumber()
    {
        var response = await factory.CreatePortalClient().GetAsync("/Account/Lockout?minutes=abc");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("15 minutes", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task TheTwoFactorPageToleratesARememberMeThatIsNotABoolean()
    {
        var response = await factory.CreatePortalClient().GetAsync("/Account/LoginWith2fa?rememberMe=maybe");

        Assert.True((int)response.StatusCode < 500, $"{(int)response.StatusCode}");
    }

    [Theory]
    [InlineData("https://evil.example/")]
    [InlineData("//evil.example/")]
    [InlineData("/\\evil.example/")]
    public async Task SignInWithAForeignReturnUrlSignsInAndStaysInThePortal(string returnUrl)
    {
        var client = factory.CreatePortalClient();

        var response = await client.SubmitAsync($"/Account/Login?ReturnUrl={Uri.EscapeDataString(returnUrl)}", "login", new Dictionary<string, string>
        {
            ["Input.Email"] = DemoDataSeeder.AliceEmail,
            ["Input.Password"] = DemoDataSeeder.Password,
        });

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var location = response.Headers.Location!;
        Assert.False(location.IsAbsoluteUri && location.Host != "localhost", $"Redirected to {location}");
        Assert.DoesNotContain("evil", location.OriginalString);
        Assert.Contains(response.Headers.GetValues("Set-Cookie"), cookie => cookie.StartsWith("BacklogPortal.Auth=", StringComparison.Ordinal));
        // Signed in for real: the backlog opens.
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/backlog")).StatusCode);
    }

    [Theory]
    [InlineData("/x", "/x")]
    [InlineData("Account/Login", "/Account/Login")]
    [InlineData("https://evil.example/", "/")]
    [InlineData("//evil.example", "/evil.example")]
    public async Task SignOutReturnsOnlyToAPageOfThePortal(string returnUrl, string expected)
    {
        var client = factory.CreatePortalClient();
        await client.SignInAsync(DemoDataSeeder.BobEmail, DemoDataSeeder.Password);
        var token = HttpSignIn.AntiforgeryToken(await client.GetStringAsync("/Account/Manage"));

        var response = await SignOutAsync(client, token, returnUrl);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(expected, response.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task ASecondSignOutFromAStaleTabIsHarmless()
    {
        var client = factory.CreatePortalClient();
        await client.SignInAsync(DemoDataSeeder.BobEmail, DemoDataSeeder.Password);
        var token = HttpSignIn.AntiforgeryToken(await client.GetStringAsync("/Account/Manage"));
        Assert.Equal(HttpStatusCode.Redirect, (await SignOutAsync(client, token, "Account/Login")).StatusCode);

        var again = await SignOutAsync(client, token, "Account/Login");

        Assert.Equal(HttpStatusCode.Redirect, again.StatusCode);
        Assert.Equal("/Account/Login", again.Headers.Location!.OriginalString);
    }

    [Theory]
    [InlineData("x\"@example.com")]
    [InlineData("x@example.com(")]
    [InlineData("Alice <alice@example.com>")]
    public async Task AnEmailAddressTheMailerCannotSendToIsRefusedOnTheForm(string address)
    {
        var email = AccountForms.UniqueEmail("change");
        await factory.CreateUserAsync(email, emailConfirmed: true);
        var client = factory.CreatePortalClient();
        await client.SignInAsync(email, AccountForms.StrongPassword);

        var response = await client.SubmitAsync("/Account/Manage/Email", "change-email", new Dictionary<string, string>
        {
            ["Input.NewEmail"] = address,
        });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("Enter a valid email address.", await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("alice@example.com", true)]
    [InlineData("first.last+tag@sub.example.co.uk", true)]
    [InlineData("x\"@example.com", false)]
    [InlineData("x@example.com(", false)]
    [InlineData("Alice <alice@example.com>", false)]
    [InlineData("alice@", false)]
    [InlineData("alice\r\n@example.com", false)]
    public void DeliverableMeansMimeKitTakesItBackUnchanged(string address, bool deliverable) =>
        Assert.Equal(deliverable, DeliverableEmailAttribute.IsDeliverable(address));

    private static Task<HttpResponseMessage> SignOutAsync(HttpClient client, string token, string returnUrl) =>
        client.PostAsync("/Account/Logout", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token,
            ["ReturnUrl"] = returnUrl,
        }));

    private async Task<string> AnOrderNumberOfAsync(string email)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var db = await scope.ServiceProvider.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
        var customerId = await db.Users.Where(u => u.Email == email).Select(u => u.CustomerId).SingleAsync();
        return await db.Orders.Where(o => o.CustomerId == customerId).OrderBy(o => o.Id).Select(o => o.OrderNumber).FirstAsync();
    }
}
