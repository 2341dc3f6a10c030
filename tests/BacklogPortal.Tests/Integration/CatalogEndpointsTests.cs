using System.Net;
using BacklogPortal.Domain;
using Microsoft.EntityFrameworkCore;

namespace BacklogPortal.Tests.Integration;

/// <summary>Customers and products: upserts, release-date moves, SKU-wide ETA changes and open-line paging.</summary>
public sealed class CatalogEndpointsTests(ApiAppFactory factory) : IClassFixture<ApiAppFactory>
{
    private readonly ErpApi api = new(factory);

    [Fact]
    public async Task CustomerUpsertCreatesThenUpdatesAndKeepsOmittedSettings()
    {
        var number = ErpApi.Unique("C");

        var created = await api.PutAsync($"/api/v1/customers/{number}", new { name = "Fabrikam", notificationEmail = "einkauf@fabrikam.example", culture = "de-DE", timeZone = "Europe/Berlin" });
        var updated = await api.PutAsync($"/api/v1/customers/{number}", new { name = "Fabrikam Handel GmbH" });

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal($"/api/v1/customers/{number}", created.Headers.Location!.OriginalString);
        Assert.Equal(HttpStatusCode.OK, updated.StatusCode);
        await using var db = await api.DbAsync();
        var customer = await db.Customers.SingleAsync(c => c.Number == number);
        Assert.Equal("Fabrikam Handel GmbH", customer.Name);
        Assert.Equal("einkauf@fabrikam.example", customer.NotificationEmail);
        Assert.Equal("de-DE", customer.Culture);
        Assert.Equal("Europe/Berlin", customer.TimeZoneId);
    }

    [Fact]
    public async Task MovedReleaseDateMovesOnlyThePreOrdersThatFollowedIt()
    {
        var customer = ErpApi.Unique("C");
        var sku = ErpApi.Unique("PRE");
        var number = ErpApi.Unique("SO");
        var release = ErpApi.Today.AddDays(30);
        var elsewhere = ErpApi.Today.AddDays(45);
        ErpApi.Ok(await api.PutAsync($"/api/v1/customers/{customer}", new { name = "Pre-order fan", notificationEmail = "fan@example.com" }));
        ErpApi.Ok(await api.PutAsync($"/api/v1/products/{sku}", new { name = "Console Next", unitPrice = 499m, releaseDate = release }));
        ErpApi.Ok(await api.PutAsync($"/api/v1/orders/{number}", new
        {
            customerNumber = customer,
            orderDate = ErpApi.Today,
            lines = new object[]
            {
                new { lineNumber = 1, sku, kind = "preOrder", quantity = 1, promisedDate = release, eta = release },
                new { lineNumber = 2, sku, kind = "preOrder", quantity = 1, promisedDate = release, eta = elsewhere },
            },
        }));
        var moved = release.AddDays(14);

        var response = await api.PutAsync($"/api/v1/products/{sku}", new { name = "Console Next", unitPrice = 499m, releaseDate = moved });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await ErpApi.JsonOf(response);
        Assert.Equal(1, body["releaseDateMoved"]!["lines"]!.GetValue<int>());
        Assert.Equal(1, body["releaseDateMoved"]!["customers"]!.GetValue<int>());
        await using var db = await api.DbAsync();
        var lines = await db.OrderLines.Where(l => l.Order!.OrderNumber == number).OrderBy(l => l.LineNumber).ToListAsync();
        Assert.Equal([moved, elsewhere], lines.Select(l => l.Eta));
        var audit = await db.EtaChanges.SingleAsync(c => c.OrderLineId == lines[0].Id && c.ReasonCode == EtaReasonCode.ReleaseDateMoved);
        Assert.Equal(release, audit.OldEta);
        Assert.Equal(1, await db.NotificationOutbox.CountAsync(e => e.EtaChangeId == audit.Id));
        Assert.Equal(moved, (await db.Products.SingleAsync(p => p.Sku == sku)).ReleaseDate);
    }

    [Fact]
    public async Task SkuEtaChangeMovesEveryOpenLineAndCountsCustomers()
    {
        var first = await api.BackorderAsync();
        var second = await api.BackorderAsync();
        // A second customer's order for the first line's SKU.
        ErpApi.Ok(await api.PutAsync($"/api/v1/orders/{ErpApi.Unique("SO")}", new
        {
            customerNumber = second.CustomerNumber,
            orderDate = ErpApi.Today,
            lines = new[] { new { lineNumber = 1, sku = first.Sku, kind = "backorder", quantity = 2, eta = (DateOnly?)ErpApi.Today.AddDays(3) } },
        }));
        var eta = ErpApi.Today.AddDays(60);

        var response = await api.PostAsync($"/api/v1/products/{first.Sku}/eta-changes", new { eta, reasonCode = "supplierDelay", reasonText = "Supplier shipment moved" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await ErpApi.JsonOf(response);
        Assert.Equal(2, body["lines"]!.GetValue<int>());
        Assert.Equal(2, body["customers"]!.GetValue<int>());
        await using var db = await api.DbAsync();
        Assert.Equal(2, await db.OrderLines.CountAsync(l => l.Product!.Sku == first.Sku && l.Eta == eta));
        Assert.Equal(0, await db.OrderLines.CountAsync(l => l.Product!.Sku == second.Sku && l.Eta == eta));
    }

    [Fact]
    public async Task OpenLinesArePagedWithACursorThatNeitherSkipsNorRepeats()
    {
        var customer = ErpApi.Unique("C");
        var sku = ErpApi.Unique("SKU");
        ErpApi.Ok(await api.PutAsync($"/api/v1/customers/{customer}", new { name = "Many lines" }));
        ErpApi.Ok(await api.PutAsync($"/api/v1/products/{sku}", new { name = "Bolt", unitPrice = 1m }));
        var number = ErpApi.Unique("SO");
        ErpApi.Ok(await api.PutAsync($"/api/v1/orders/{number}", new
        {
            customerNumber = customer,
            orderDate = ErpApi.Today,
            lines = Enumerable.Range(1, 7).Select(n => new { lineNumber = n, sku, kind = "backorder", quantity = 2 }).ToArray(),
        }));
        ErpApi.Ok(await api.PostAsync($"/api/v1/orders/{number}/lines/4/shipments", new { quantity = 2, shippedOn = ErpApi.Today }));

        var seen = new List<int>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var page = await api.GetJsonAsync($"/api/v1/customers/{customer}/open-lines?limit=2{(cursor is null ? "" : $"&cursor={cursor}")}");
            seen.AddRange(page["lines"]!.AsArray().Select(l => l!["lineNumber"]!.GetValue<int>()));
            cursor = page["nextCursor"]?.GetValue<string>();
            pages++;
        }
        while (cursor is not null && pages < 10);

        Assert.Equal([1, 2, 3, 5, 6, 7], seen);
        Assert.Equal(3, pages);
    }
}
