using System.Net;
using System.Text;
using BacklogPortal.Data;
using BacklogPortal.Domain;
using BacklogPortal.Tests.Infrastructure;
using BacklogPortal.Tests.Settings;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BacklogPortal.Tests.Export;

/// <summary>GET /backlog/export.csv over HTTP on the demo data: the lines of the view, all pages, the customer's own only.</summary>
public sealed class BacklogCsvExportTests(PortalAppFactory factory) : IClassFixture<PortalAppFactory>
{
    [Fact]
    public async Task TheFileHoldsEveryOpenLineOfTheCustomerAsExcelReadsIt()
    {
        var (mine, theirs) = await OrderNumbersAsync("Northwind Traders", "Contoso Retail");
        using var client = await SignedInAsync("alice@example.com");

        var response = await client.GetAsync("/backlog/export.csv");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        Assert.StartsWith("backlog-", response.Content.Headers.ContentDisposition?.FileName?.Trim('"'));
        var bytes = await response.Content.ReadAsByteArrayAsync();
        Assert.Equal(new byte[] { 0xEF, 0xBB, 0xBF }, bytes[..3]);
        var rows = Rows(bytes);
        Assert.Equal("Order,Order date,SKU,Product,Kind,Ordered,Shipped,Cancelled,Open,Promised,Expected (ETA),Times moved,Days later than promised,Status", rows[0]);
        var orders = rows.Skip(1).Select(r => r.Split(',')[0]).ToList();
        Assert.Equal(mine.Count, orders.Count);
        Assert.All(orders, o => Assert.Contains(o, mine.Select(m => m.OrderNumber)));
        Assert.Empty(orders.Intersect(theirs.Select(t => t.OrderNumber)));
    }

    [Fact]
    public async Task TheFileHoldsTheFilteredLinesOfEveryPageInTheViewsOrder()
    {
        var (mine, _) = await OrderNumbersAsync("Northwind Traders", "Contoso Retail");
        var preOrders = mine.Where(l => l.Kind == BacklogKind.PreOrder).ToList();
        Assert.True(preOrders.Count > 5, "The demo data should give alice more pre-orders than one page of 5.");
        using var client = await SignedInAsync("alice@example.com");

        // Page 3 of 5 lines on screen; the file is every page.
        var rows = Rows(await client.GetByteArrayAsync("/backlog/export.csv?kind=preOrder&sort=-promised&page=3&size=5"));

        var lines = rows.Skip(1).Select(r => r.Split(',')).ToList();
        Assert.Equal(preOrders.Count, lines.Count);
        Assert.All(lines, fields => Assert.Equal("Pre-order", fields[4]));
        var promised = lines.Select(fields => fields[9]).Where(d => d.Length > 0).ToList();
        Assert.Equal(promised.OrderDescending(StringComparer.Ordinal), promised);
    }

    [Theory]
    [InlineData("?customer=2&customerId=2&CustomerId=2")]
    [InlineData("?kind=%00&overdue=maybe&decision=all&sort=-nonsense&page=-1&size=999999")]
    public async Task ATamperedQueryStillGivesOnlyTheCustomersOwnLines(string query)
    {
        var (mine, theirs) = await OrderNumbersAsync("Contoso Retail", "Northwind Traders");
        using var client = await SignedInAsync("bob@example.com");

        var response = await client.GetAsync("/backlog/export.csv" + query);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        // Contoso reads German: semicolons.
        var orders = Rows(await response.Content.ReadAsByteArrayAsync()).Skip(1).Select(r => r.Split(';')[0]).ToList();
        Assert.Equal(mine.Count, orders.Count);
        Assert.All(orders, o => Assert.Contains(o, mine.Select(m => m.OrderNumber)));
        Assert.Empty(orders.Intersect(theirs.Select(t => t.OrderNumber)));
    }

    [Fact]
    public async Task NobodyButASignedInCustomerGetsAFile()
    {
        using var anonymous = factory.CreatePortalClient();
        Assert.Equal(HttpStatusCode.Redirect, (await anonymous.GetAsync("/backlog/export.csv")).StatusCode);
        using var staff = await SignedInAsync("staff@example.com");
        Assert.NotEqual(HttpStatusCode.OK, (await staff.GetAsync("/backlog/export.csv")).StatusCode);
    }

    [Fact]
    public async Task AGermanCustomerGetsGermanHeadingsAndSemicolons()
    {
        int customerId;
        await using (var db = await Db())
        {
            customerId = await db.Customers.Where(c => c.Culture.StartsWith("de")).Select(c => c.Id).FirstAsync();
        }
        var email = $"einkauf-{Guid.NewGuid():n}@example.com";
        await factory.CreateUserAsync(customerId, email);
        using var client = await SignedInAsync(email);

        var rows = Rows(await client.GetByteArrayAsync("/backlog/export.csv"));

        Assert.StartsWith("Auftrag;Auftragsdatum;Artikelnummer;Produkt;Art;", rows[0]);
        Assert.True(rows.Count > 1);
        Assert.Equal(14, rows[1].Split(';').Length);
    }

    private static List<string> Rows(byte[] bytes) =>
        [.. new UTF8Encoding(false).GetString(bytes).TrimStart('\uFEFF').Split("\r\n", StringSplitOptions.RemoveEmptyEntries)];

    private async Task<HttpClient> SignedInAsync(string email)
    {
        var client = factory.CreatePortalClient();
        await client.SignInAsync(email, "Demo-Passw0rd!");
        return client;
    }

    private async Task<(List<(string OrderNumber, BacklogKind Kind)> Mine, List<(string OrderNumber, BacklogKind Kind)> Theirs)> OrderNumbersAsync(string mine, string theirs)
    {
        await using var db = await Db();
        async Task<List<(string, BacklogKind)>> Open(string name) =>
            [.. (await db.OrderLines.Where(l => l.Order!.Customer!.Name == name).Where(LineRules.IsOpen)
                .Select(l => new { l.Order!.OrderNumber, l.Kind }).ToListAsync()).Select(l => (l.OrderNumber, l.Kind))];
        return (await Open(mine), await Open(theirs));
    }

    private async Task<PortalDbContext> Db() =>
        await factory.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
}
