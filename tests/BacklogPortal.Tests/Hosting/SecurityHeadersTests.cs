using System.Net;
using BacklogPortal.Tests.Infrastructure;

namespace BacklogPortal.Tests.Hosting;

public sealed class SecurityHeadersTests(PortalAppFactory factory) : IClassFixture<PortalAppFactory>
{
    [Theory]
    [InlineData("/Account/Login")]
    [InlineData("/app.css")]
    [InlineData("/health")]
    [InlineData("/no-such-page")]
    public async Task EveryResponseCarriesTheSecurityHeadersAndNoServerBanner(string path)
    {
        var response = await factory.CreatePortalClient().GetAsync(path);

        var csp = Assert.Single(response.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("default-src 'self'", csp);
        Assert.Contains("object-src 'none'", csp);
        Assert.Contains("frame-ancestors 'self'", csp);
        Assert.Contains("base-uri 'self'", csp);
        Assert.Contains("form-action 'self'", csp);
        Assert.DoesNotContain("unsafe-eval", csp);
        Assert.Matches("script-src 'self' 'nonce-[A-Za-z0-9_-]{22}';", csp);
        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
        Assert.Equal("strict-origin-when-cross-origin", Assert.Single(response.Headers.GetValues("Referrer-Policy")));
        Assert.True(response.Headers.Contains("Permissions-Policy"));
        Assert.Equal("1; mode=block", Assert.Single(response.Headers.GetValues("X-XSS-Protection")));
        Assert.False(response.Headers.Contains("Server"));
    }

    [Fact]
    public async Task ThePagesOnlyInlineScriptCarriesThisResponsesNonce()
    {
        var response = await factory.CreatePortalClient().GetAsync("/Account/Login");
        var html = await response.Content.ReadAsStringAsync();

        var csp = Assert.Single(response.Headers.GetValues("Content-Security-Policy"));
        var nonce = System.Text.RegularExpressions.Regex.Match(csp, "'nonce-([^']+)'").Groups[1].Value;
        Assert.NotEmpty(nonce);
        Assert.Contains($"<script type=\"importmap\" nonce=\"{nonce}\"", html);
        // Every other script is a file of the portal's own.
        var inline = System.Text.RegularExpressions.Regex.Matches(html, "<script(?![^>]*\\bsrc=)[^>]*>");
        Assert.All(inline, script => Assert.Contains($"nonce=\"{nonce}\"", script.Value));
        Assert.Single(inline);
    }

    [Fact]
    public async Task EachResponseGetsANonceOfItsOwn()
    {
        var client = factory.CreatePortalClient();
        var first = Assert.Single((await client.GetAsync("/Account/Login")).Headers.GetValues("Content-Security-Policy"));
        var second = Assert.Single((await client.GetAsync("/Account/Login")).Headers.GetValues("Content-Security-Policy"));

        Assert.NotEqual(first, second);
    }

    [Fact]
    public async Task CookiesAreSecureWhenTheRequestCameOverHttps()
    {
        var client = factory.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions
        {
            BaseAddress = new Uri("https://localhost"),
            AllowAutoRedirect = false,
        });

        var response = await client.GetAsync("/Account/Login");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var cookies = response.Headers.GetValues("Set-Cookie").ToList();
        Assert.NotEmpty(cookies);
        Assert.All(cookies, cookie => Assert.Contains("secure", cookie, StringComparison.OrdinalIgnoreCase));
    }
}
