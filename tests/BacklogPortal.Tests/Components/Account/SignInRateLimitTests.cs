using System.Net;
using BacklogPortal.Data.Demo;
using BacklogPortal.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace BacklogPortal.Tests.Components.Account;

/// <summary>
/// The portal with a small sign-in limit, and a test-only way to choose the client address: the
/// in-memory test server has no real remote address, so a header stands in for it.
/// </summary>
public sealed class RateLimitedPortalAppFactory : PortalAppFactory
{
    public const string ClientAddressHeader = "X-Test-Client-Address";

    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Identity:SignInRateLimit:PermitLimit"] = "3",
        // Long enough that the window never renews in the middle of a test.
        ["Identity:SignInRateLimit:Window"] = "01:00:00",
    };

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureServices(services => services.AddSingleton<IStartupFilter, ClientAddressFromHeader>());
    }

    private sealed class ClientAddressFromHeader : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, nextMiddleware) =>
            {
                if (IPAddress.TryParse(context.Request.Headers[ClientAddressHeader], out var address))
                {
                    context.Connection.RemoteIpAddress = address;
                }
                return nextMiddleware(context);
            });
            next(app);
        };
    }
}

public sealed class SignInRateLimitTests(RateLimitedPortalAppFactory factory) : IClassFixture<RateLimitedPortalAppFactory>
{
    // Guesses at an address without an account: no lockout can get in the way of the limit being measured.
    private const string GuessedEmail = "nobody@example.net";

    [Fact]
    public async Task SignInAttemptsAreRateLimitedPerClientAddress()
    {
        var guesser = ClientAt("198.51.100.23");
        var colleague = ClientAt("198.51.100.42");

        for (var attempt = 1; attempt <= 3; attempt++)
        {
            var allowed = await guesser.PostSignInAsync(GuessedEmail, $"Guess-{attempt}!");
            Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        }
        var fourth = await guesser.PostSignInAsync(GuessedEmail, "Guess-4!");
        var fromAnotherAddress = await colleague.PostSignInAsync(DemoDataSeeder.AliceEmail, DemoDataSeeder.Password);

        Assert.Equal(HttpStatusCode.TooManyRequests, fourth.StatusCode);
        Assert.Contains("Too many sign-in attempts from your network.", await fourth.Content.ReadAsStringAsync());
        Assert.NotNull(fourth.Headers.RetryAfter);
        Assert.Equal(HttpStatusCode.Redirect, fromAnotherAddress.StatusCode);
        // Only the form post is limited: the blocked address can still load the page.
        Assert.Equal(HttpStatusCode.OK, (await guesser.GetAsync("/Account/Login")).StatusCode);
    }

    [Fact]
    public async Task BrowsersGetTheLimitExplainedOnAProductPage()
    {
        var browser = ClientAt("198.51.100.77");
        browser.DefaultRequestHeaders.Accept.ParseAdd("text/html,application/xhtml+xml");
        for (var attempt = 1; attempt <= 3; attempt++)
        {
            Assert.Equal(HttpStatusCode.OK, (await browser.PostSignInAsync(GuessedEmail, $"Guess-{attempt}!")).StatusCode);
        }

        var blocked = await browser.PostSignInAsync(GuessedEmail, "Guess-4!");

        Assert.Equal(HttpStatusCode.TooManyRequests, blocked.StatusCode);
        Assert.Equal("text/html", blocked.Content.Headers.ContentType?.MediaType);
        var html = await blocked.Content.ReadAsStringAsync();
        Assert.Contains("<title>Too many sign-in attempts · BacklogPortal</title>", html);
        Assert.Contains("class=\"acct-topbar\"", html);
        Assert.Contains("Please wait", html);
    }

    private HttpClient ClientAt(string address)
    {
        var client = factory.CreatePortalClient();
        client.DefaultRequestHeaders.Add(RateLimitedPortalAppFactory.ClientAddressHeader, address);
        return client;
    }
}
