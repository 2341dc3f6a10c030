using System.Net;
using System.Text.RegularExpressions;
using BacklogPortal.Data;
using BacklogPortal.Data.Demo;
using BacklogPortal.Domain;
using BacklogPortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BacklogPortal.Tests.Orders;

public sealed partial class OrderDetailHttpTests(PortalAppFactory factory) : IClassFixture<PortalAppFactory>
{
    [Fact]
    public async Task CustomerOpensTheirOrderAndSeesItsLines()
    {
        var order = await DemoOrderOfAsync(DemoDataSeeder.AliceEmail);
        var client = factory.CreatePortalClient();
        await client.SignInAsync(DemoDataSeeder.AliceEmail, DemoDataSeeder.Password);

        var response = await client.GetAsync($"/orders/{order.OrderNumber}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains($"Order {order.OrderNumber}", html);
        Assert.Contains("Northwind Traders", html);
        foreach (var line in order.Lines)
        {
            Assert.Contains(WebUtility.HtmlEncode(line.Product!.Name), html);
            Assert.Contains(line.Product.Sku, html);
        }
        Assert.Equal(order.Lines.Count, CountOf(html, "data-testid=\"order-line\""));
    }

    [Fact]
    public async Task CustomerCannotOpenAnotherCustomersOrder()
    {
        var bobs = await DemoOrderOfAsync(DemoDataSeeder.BobEmail);
        var client = factory.CreatePortalClient();
        await client.SignInAsync(DemoDataSeeder.AliceEmail, DemoDataSeeder.Password);

        var theirs = await client.GetAsync($"/orders/{bobs.OrderNumber}");
        var missing = await client.GetAsync("/orders/SO-000000");

        Assert.Equal(HttpStatusCode.NotFound, theirs.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        var html = await theirs.Content.ReadAsStringAsync();
        Assert.Contains("We could not find that page", html);
        Assert.DoesNotContain(bobs.OrderNumber, html);
        Assert.DoesNotContain("Contoso", html);
        Assert.DoesNotContain("data-testid=\"order-line\"", html);
        // Word for word the page of an order that does not exist: nothing tells that the number is taken.
        Assert.Equal(VisibleText(await missing.Content.ReadAsStringAsync()), VisibleText(html));
    }

    [Fact]
    public async Task AnonymousVisitorIsSentToSignInAndBackToTheEmailLink()
    {
        var client = factory.CreatePortalClient();

        var response = await client.GetAsync("/orders/SO-500100?line=7&respond=accept");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var location = response.Headers.Location!.OriginalString;
        Assert.StartsWith("/Account/Login", new Uri(new Uri("http://localhost"), location).PathAndQuery);
        Assert.Contains(Uri.EscapeDataString("/orders/SO-500100?line=7&respond=accept"), location);
    }

    [Fact]
    public async Task FollowingAResponseLinkChangesNothingByItself()
    {
        var order = await DemoOrderOfAsync(DemoDataSeeder.AliceEmail, awaitingConsent: true);
        var line = order.Lines.First(l => l.ConsentRequired && l.CustomerResponse == CustomerResponse.None);
        var client = factory.CreatePortalClient();
        await client.SignInAsync(DemoDataSeeder.AliceEmail, DemoDataSeeder.Password);

        var accept = await client.GetAsync($"/orders/{order.OrderNumber}?line={line.Id}&respond=accept");
        var cancel = await client.GetAsync($"/orders/{order.OrderNumber}?line={line.Id}&respond=cancel");

        Assert.Equal(HttpStatusCode.OK, accept.StatusCode);
        Assert.Equal(HttpStatusCode.OK, cancel.StatusCode);
        await using var db = await DbAsync();
        var after = await db.OrderLines.AsNoTracking().SingleAsync(l => l.Id == line.Id);
        Assert.Equal((line.Version, CustomerResponse.None, line.Status, line.QuantityCancelled),
            (after.Version, after.CustomerResponse, after.Status, after.QuantityCancelled));
    }

    private async Task<PortalDbContext> DbAsync() =>
        await factory.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();

    private async Task<Order> DemoOrderOfAsync(string email, bool awaitingConsent = false)
    {
        await using var db = await DbAsync();
        var customerId = await db.Users.Where(u => u.Email == email).Select(u => u.CustomerId!.Value).SingleAsync();
        return await db.Orders.AsNoTracking()
            .Include(o => o.Lines).ThenInclude(l => l.Product)
            .Where(o => o.CustomerId == customerId)
            .Where(o => !awaitingConsent || o.Lines.Any(l => l.ConsentRequired && l.CustomerResponse == CustomerResponse.None
                && (l.Status == LineStatus.Open || l.Status == LineStatus.PartiallyShipped)))
            .OrderBy(o => o.OrderNumber)
            .FirstAsync();
    }

    private static int CountOf(string text, string part) => (text.Length - text.Replace(part, "").Length) / part.Length;

    // The page's words, without markup, scripts, styles or per-request ids (antiforgery, component state, popover ids).
    private static string VisibleText(string html)
    {
        var body = html[html.IndexOf("<body", StringComparison.Ordinal)..];
        body = HiddenParts().Replace(body, " ");
        body = Tags().Replace(body, " ");
        return Whitespace().Replace(WebUtility.HtmlDecode(body), " ").Trim();
    }

    [GeneratedRegex("<(script|style)[^>]*>.*?</\\1>|<!--.*?-->", RegexOptions.Singleline)]
    private static partial Regex HiddenParts();

    [GeneratedRegex("<[^>]+>")]
    private static partial Regex Tags();

    [GeneratedRegex("\\s+")]
    private static partial Regex Whitespace();
}
