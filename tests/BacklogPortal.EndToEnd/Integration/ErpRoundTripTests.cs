using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using BacklogPortal.Data;
using BacklogPortal.Data.Demo;
using BacklogPortal.Domain;
using BacklogPortal.EndToEnd.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace BacklogPortal.EndToEnd.Integration;

/// <summary>The ERP with no UI: it loads a customer, product and order, moves an ETA, and reads the customer's answer back.</summary>
public sealed partial class ErpRoundTripTests(PortalServer portal) : PortalTest(portal)
{
    [Fact]
    public Task CustomerAcceptsAnErpDelayFromTheEmailAndTheErpReadsItFromTheFeed() => InBrowserAsync(async page =>
    {
        var erp = new HttpClient { BaseAddress = new Uri(Server.BaseAddress, "api/v1/") };
        erp.DefaultRequestHeaders.Add("X-Api-Key", DemoDataSeeder.ApiKey);
        var tag = Guid.NewGuid().ToString("n")[..8];
        var (customer, sku, order) = ($"C-{tag}", $"SKU-{tag}", $"SO-{tag}");
        var buyer = $"buyer-{tag}@example.com";
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var promised = today.AddDays(5);
        var delayed = today.AddDays(60);
        var after = (await GetJsonAsync(erp, "events?after=0&limit=1000"))["next"]!.GetValue<long>();

        await SucceedsAsync(erp.PutAsJsonAsync($"customers/{customer}", new { name = $"Round Trip {tag}", culture = "en-US", timeZone = "UTC" }));
        await SucceedsAsync(erp.PutAsJsonAsync($"products/{sku}", new { name = "Cordless Drill 18V", unitPrice = 129.00m }));
        await SucceedsAsync(erp.PutAsJsonAsync($"orders/{order}", new
        {
            customerNumber = customer,
            orderDate = today.AddDays(-2),
            lines = new[] { new { lineNumber = 1, sku, kind = "backorder", quantity = 3, promisedDate = promised, eta = promised } },
        }));
        await CustomerUserAsync(customer, buyer);
        await SucceedsAsync(erp.PutAsJsonAsync($"orders/{order}/lines/1/eta", new { eta = delayed, reasonCode = "supplierDelay", reasonText = "Supplier shipment rescheduled" }));

        var email = await Server.Smtp.WaitForMessageAsync(m => m.To.Mailboxes.Any(a => a.Address == buyer), TimeSpan.FromSeconds(60));
        var text = email.TextBody ?? "";
        Assert.Contains(order, email.Subject);
        Assert.Contains(delayed.ToString("D", CultureInfo.GetCultureInfo("en-US")), text);
        var link = AcceptLink().Match(text);
        Assert.True(link.Success, text);

        await page.SignInAsync(buyer, DemoDataSeeder.Password);
        await Expect(page).ToHaveURLAsync(new Regex("/backlog$"));
        // The link exactly as the email has it (Portal:PublicBaseUrl is this test portal's address).
        await page.GotoAsync(link.Value);
        await Expect(page.GetByTestId("respond-dialog")).ToBeVisibleAsync();
        await page.GetByTestId("respond-confirm").ClickAsync();
        await Expect(page.Locator("[data-testid=eta-history-item][data-kind=response]")).ToBeVisibleAsync();

        var events = (await GetJsonAsync(erp, $"events?after={after}"))["events"]!.AsArray();
        var accepted = Assert.Single(events, e => e!["orderNumber"]!.GetValue<string>() == order);
        Assert.Equal("newDateAccepted", accepted!["type"]!.GetValue<string>());
        Assert.Equal(1, accepted["lineNumber"]!.GetValue<int>());
        Assert.Equal(delayed.ToString("yyyy-MM-dd"), accepted["eta"]!.GetValue<string>());
        Assert.Equal(buyer, accepted["by"]!.GetValue<string>());
        var line = (await GetJsonAsync(erp, $"orders/{order}"))["lines"]![0]!;
        Assert.Equal("acceptedNewDate", line["customerResponse"]!.GetValue<string>());
    });

    // Portal users are made by an Admin, not by the ERP: here straight through Identity.
    private async Task CustomerUserAsync(string customerNumber, string email)
    {
        using var scope = Server.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        var customerId = db.Customers.Single(c => c.Number == customerNumber).Id;
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var user = new ApplicationUser { UserName = email, Email = email, EmailConfirmed = true, DisplayName = "Round Trip Buyer", CustomerId = customerId };
        Assert.True((await users.CreateAsync(user, DemoDataSeeder.Password)).Succeeded);
        Assert.True((await users.AddToRoleAsync(user, Roles.Customer)).Succeeded);
    }

    private static async Task SucceedsAsync(Task<HttpResponseMessage> call)
    {
        var response = await call;
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }

    private static async Task<JsonNode> GetJsonAsync(HttpClient client, string path) =>
        JsonNode.Parse(await client.GetStringAsync(path))!;

    [GeneratedRegex(@"https?://[^/\s]+/orders/[^\s?]+\?line=\d+&respond=accept")]
    private static partial Regex AcceptLink();
}
