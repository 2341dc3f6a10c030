using System.Net;
using System.Text;
using BacklogPortal.Data;
using Microsoft.EntityFrameworkCore;

namespace BacklogPortal.Tests.Integration;

/// <summary>
/// Every kind of bad input gets its status and a field error, and changes nothing: the whole
/// database's row counts and the line itself are compared before and after each request.
/// </summary>
public sealed class BadInputTests(BadInputTests.Factory factory) : IClassFixture<BadInputTests.Factory>
{
    public sealed class Factory : ApiAppFactory
    {
        protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>(base.Settings)
        {
            ["Integration:MaxRequestBodyBytes"] = "4096",
        };
    }

    private readonly ErpApi api = new(factory);

    public static TheoryData<string, string, string, string, int, string?> Cases()
    {
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var tooLate = today.AddYears(6).ToString("yyyy-MM-dd");
        var data = new TheoryData<string, string, string, string, int, string?>
        {
            // name, method, path (LINE = the test line), body, status, field
            { "malformed JSON", "PUT", "LINE/eta", """{"eta":"2027-01-01","reasonCode":""", 400, "$" },
            { "not an object", "PUT", "LINE/eta", "[1,2]", 400, "$" },
            { "empty body", "POST", "LINE/shipments", "", 400, "$" },
            { "eta missing", "PUT", "LINE/eta", """{"reasonCode":"transport"}""", 400, "eta" },
            { "bad date", "PUT", "LINE/eta", """{"eta":"2027-02-30","reasonCode":"transport"}""", 400, "eta" },
            { "date in another format", "PUT", "LINE/eta", """{"eta":"01/02/2027","reasonCode":"transport"}""", 400, "eta" },
            { "date out of range", "PUT", "LINE/eta", $$"""{"eta":"{{tooLate}}","reasonCode":"transport"}""", 400, "eta" },
            { "date before 2000", "PUT", "LINE/eta", """{"eta":"1999-12-31","reasonCode":"transport"}""", 400, "eta" },
            { "unknown reason code", "PUT", "LINE/eta", """{"eta":"2027-01-01","reasonCode":"weather"}""", 400, "reasonCode" },
            { "reason code as number", "PUT", "LINE/eta", """{"eta":"2027-01-01","reasonCode":1}""", 400, "reasonCode" },
            { "reason code missing", "PUT", "LINE/eta", """{"eta":"2027-01-01"}""", 400, "reasonCode" },
            { "other without text", "PUT", "LINE/eta", """{"eta":"2027-01-01","reasonCode":"other"}""", 400, "reasonText" },
            { "control character in text", "PUT", "LINE/eta", """{"eta":"2027-01-01","reasonCode":"transport","reasonText":"late\u0007"}""", 400, "reasonText" },
            { "unknown line", "PUT", "ORDER/lines/99/eta", """{"eta":"2027-01-01","reasonCode":"transport"}""", 404, null },
            { "zero quantity shipped", "POST", "LINE/shipments", $$"""{"quantity":0,"shippedOn":"{{today:yyyy-MM-dd}}"}""", 400, "quantity" },
            { "negative quantity shipped", "POST", "LINE/shipments", $$"""{"quantity":-3,"shippedOn":"{{today:yyyy-MM-dd}}"}""", 400, "quantity" },
            { "quantity as text", "POST", "LINE/shipments", $$"""{"quantity":"3","shippedOn":"{{today:yyyy-MM-dd}}"}""", 400, "quantity" },
            { "fractional quantity", "POST", "LINE/shipments", $$"""{"quantity":1.5,"shippedOn":"{{today:yyyy-MM-dd}}"}""", 400, "quantity" },
            { "shipping more than open", "POST", "LINE/shipments", $$"""{"quantity":11,"shippedOn":"{{today:yyyy-MM-dd}}"}""", 400, "quantity" },
            { "shipped in the future", "POST", "LINE/shipments", $$"""{"quantity":1,"shippedOn":"{{today.AddDays(2):yyyy-MM-dd}}"}""", 400, "shippedOn" },
            { "carrier with a line break", "POST", "LINE/shipments", $$"""{"quantity":1,"shippedOn":"{{today:yyyy-MM-dd}}","carrier":"DHL\nExpress"}""", 400, "carrier" },
            { "cancelling more than open", "POST", "LINE/cancellations", """{"quantity":11}""", 400, "quantity" },
            { "cancelling nothing", "POST", "LINE/cancellations", """{"quantity":0}""", 400, "quantity" },
            { "unknown SKU for a change", "POST", "/api/v1/products/NO-SUCH-SKU/eta-changes", """{"eta":"2027-01-01","reasonCode":"transport"}""", 404, null },
            { "order for an unknown customer", "PUT", "/api/v1/orders/SO-BAD-1", $$"""{"customerNumber":"NOPE","orderDate":"{{today:yyyy-MM-dd}}","lines":[]}""", 400, "customerNumber" },
            { "order line with an unknown SKU", "PUT", "/api/v1/orders/SO-BAD-2", $$"""{"customerNumber":"CUSTOMER","orderDate":"{{today:yyyy-MM-dd}}","lines":[{"lineNumber":1,"sku":"NOPE","kind":"backorder","quantity":1}]}""", 400, "lines[0].sku" },
            { "order line with an unknown kind", "PUT", "/api/v1/orders/SO-BAD-3", $$"""{"customerNumber":"CUSTOMER","orderDate":"{{today:yyyy-MM-dd}}","lines":[{"lineNumber":1,"sku":"SKU","kind":"layaway","quantity":1}]}""", 400, "lines[0].kind" },
            { "order line twice", "PUT", "/api/v1/orders/SO-BAD-4", $$"""{"customerNumber":"CUSTOMER","orderDate":"{{today:yyyy-MM-dd}}","lines":[{"lineNumber":1,"sku":"SKU","kind":"backorder","quantity":1},{"lineNumber":1,"sku":"SKU","kind":"backorder","quantity":1}]}""", 400, "lines[1].lineNumber" },
            { "order without a date", "PUT", "/api/v1/orders/SO-BAD-5", """{"customerNumber":"CUSTOMER","lines":[]}""", 400, "orderDate" },
            { "one bad line rejects the order", "PUT", "/api/v1/orders/SO-BAD-6", $$"""{"customerNumber":"CUSTOMER","orderDate":"{{today:yyyy-MM-dd}}","lines":[{"lineNumber":1,"sku":"SKU","kind":"backorder","quantity":1},{"lineNumber":2,"sku":"SKU","kind":"backorder","quantity":0}]}""", 400, "lines[1].quantity" },
            { "existing line's SKU changed", "PUT", "ORDER", $$"""{"customerNumber":"CUSTOMER","orderDate":"{{today:yyyy-MM-dd}}","lines":[{"lineNumber":1,"sku":"OTHERSKU","kind":"backorder","quantity":10}]}""", 400, "lines[0].sku" },
            { "customer without a name", "PUT", "/api/v1/customers/C-BAD-1", """{"name":"  "}""", 400, "name" },
            { "customer with a bad email", "PUT", "/api/v1/customers/C-BAD-2", """{"name":"X","notificationEmail":"not-an-address"}""", 400, "notificationEmail" },
            { "customer with an unknown time zone", "PUT", "/api/v1/customers/C-BAD-3", """{"name":"X","timeZone":"Mars/Olympus"}""", 400, "timeZone" },
            { "customer with an unknown culture", "PUT", "/api/v1/customers/C-BAD-4", """{"name":"X","culture":"xx-NOPE"}""", 400, "culture" },
            { "customer name with control characters", "PUT", "/api/v1/customers/C-BAD-5", """{"name":"A\u0000B"}""", 400, "name" },
            { "product with a negative price", "PUT", "/api/v1/products/P-BAD-1", """{"name":"X","unitPrice":-1}""", 400, "unitPrice" },
            { "product without a price", "PUT", "/api/v1/products/P-BAD-2", """{"name":"X"}""", 400, "unitPrice" },
            { "product with a bad release date", "PUT", "/api/v1/products/P-BAD-3", """{"name":"X","unitPrice":1,"releaseDate":"soon"}""", 400, "releaseDate" },
            { "bad events cursor", "GET", "/api/v1/events?after=-1", "", 400, "after" },
            { "events limit too large", "GET", "/api/v1/events?limit=100000", "", 400, "limit" },
            { "bad open-lines cursor", "GET", "/api/v1/customers/CUSTOMER/open-lines?cursor=abc", "", 400, "cursor" },
            { "body over the size limit", "PUT", "/api/v1/customers/C-BAD-6", $$"""{"name":"{{new string('x', 5000)}}"}""", 413, null },
        };
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task BadInputIsRejectedWithAFieldErrorAndChangesNothing(string name, string method, string path, string body, int status, string? field)
    {
        var line = await api.BackorderAsync(quantity: 10);
        var resolved = path
            .Replace("LINE", line.Path, StringComparison.Ordinal)
            .Replace("ORDER", $"/api/v1/orders/{line.OrderNumber}", StringComparison.Ordinal);
        var otherSku = body.Contains("OTHERSKU", StringComparison.Ordinal) ? (await api.BackorderAsync()).Sku : "";
        var json = body
            .Replace("\"CUSTOMER\"", $"\"{line.CustomerNumber}\"", StringComparison.Ordinal)
            .Replace("\"OTHERSKU\"", $"\"{otherSku}\"", StringComparison.Ordinal)
            .Replace("\"SKU\"", $"\"{line.Sku}\"", StringComparison.Ordinal);
        resolved = resolved.Replace("CUSTOMER", line.CustomerNumber, StringComparison.Ordinal);
        var before = await SnapshotAsync(line);

        var request = new HttpRequestMessage(new HttpMethod(method), resolved);
        if (method != "GET")
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }
        var response = await api.Client.SendAsync(request);

        await response.AssertProblemAsync(status, field);
        Assert.True(before == await SnapshotAsync(line), $"{name}: the database changed");
    }

    [Fact]
    public async Task ATooLongValueGetsOneMessageNotAlsoUnknown()
    {
        var body = $$"""{"name":"X","notificationEmail":"{{new string('a', 250)}}@example.com","culture":"{{new string('x', 21)}}","timeZone":"{{new string('x', 65)}}"}""";

        var response = await api.Client.PutAsync("/api/v1/customers/C-BAD-LONG", new StringContent(body, Encoding.UTF8, "application/json"));

        var errors = (await response.AssertProblemAsync(400, "culture"))["errors"]!;
        Assert.Equal(["At most 20 characters are allowed; this has 21."], errors["culture"]!.AsArray().Select(m => m!.GetValue<string>()));
        Assert.Equal(["At most 64 characters are allowed; this has 65."], errors["timeZone"]!.AsArray().Select(m => m!.GetValue<string>()));
        Assert.Equal(["At most 256 characters are allowed; this has 262."], errors["notificationEmail"]!.AsArray().Select(m => m!.GetValue<string>()));
    }

    [Fact]
    public async Task ABodyThatIsNotJsonIsUnsupported()
    {
        var line = await api.BackorderAsync();

        var response = await api.Client.PutAsync($"{line.Path}/eta", new StringContent("eta=2027-01-01", Encoding.UTF8, "application/x-www-form-urlencoded"));

        await response.AssertProblemAsync(415);
    }

    [Fact]
    public async Task NoRouteUnderTheApiAnswersWithProblemDetailsNotThePortalsPage()
    {
        var response = await api.Client.GetAsync("/api/v1/warehouses");
        var wrongMethod = await api.Client.DeleteAsync("/api/v1/events");

        await response.AssertProblemAsync(404);
        Assert.True(wrongMethod.StatusCode is HttpStatusCode.MethodNotAllowed or HttpStatusCode.NotFound);
        Assert.Equal("application/problem+json", wrongMethod.Content.Headers.ContentType?.MediaType);
    }

    private sealed record Snapshot(string Counts, string Line);

    private async Task<Snapshot> SnapshotAsync(ErpLine line)
    {
        await using var db = await api.DbAsync();
        var counts = string.Join(",",
            await db.Customers.CountAsync(), await db.Products.CountAsync(), await db.Orders.CountAsync(), await db.OrderLines.CountAsync(),
            await db.EtaChanges.CountAsync(), await db.NotificationOutbox.CountAsync(), await db.LineShipments.CountAsync(),
            await db.LineCancellations.CountAsync(), await db.IntegrationEvents.CountAsync(), await db.IdempotencyRecords.CountAsync());
        var stored = await db.OrderLines.AsNoTracking().SingleAsync(l => l.Order!.OrderNumber == line.OrderNumber && l.LineNumber == line.LineNumber);
        return new Snapshot(counts, $"{stored.Eta}|{stored.Version}|{stored.QuantityShipped}|{stored.QuantityCancelled}|{stored.Status}|{stored.EtaChangeCount}");
    }
}
