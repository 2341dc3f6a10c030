using System.Net;
using System.Text.Json.Nodes;

namespace BacklogPortal.Tests.Integration;

public sealed class ApiDocumentTests(ApiAppFactory factory) : IClassFixture<ApiAppFactory>
{
    [Fact]
    public async Task OpenApiDocumentDescribesEveryOperationWithExamplesAndTheKeyScheme()
    {
        var client = factory.CreateClient();

        var document = JsonNode.Parse(await client.GetStringAsync("/openapi/v1.json"))!;

        var paths = document["paths"]!.AsObject();
        string[] expected =
        [
            "put /api/v1/customers/{customerNumber}",
            "get /api/v1/customers/{customerNumber}/open-lines",
            "put /api/v1/products/{sku}",
            "post /api/v1/products/{sku}/eta-changes",
            "put /api/v1/orders/{orderNumber}",
            "get /api/v1/orders/{orderNumber}",
            "put /api/v1/orders/{orderNumber}/lines/{lineNumber}/eta",
            "post /api/v1/orders/{orderNumber}/lines/{lineNumber}/shipments",
            "post /api/v1/orders/{orderNumber}/lines/{lineNumber}/cancellations",
            "get /api/v1/events",
        ];
        var operations = paths.SelectMany(p => p.Value!.AsObject().Select(o => $"{o.Key} {p.Key}")).ToHashSet();
        Assert.Equal(expected.Order(), operations.Order());
        Assert.DoesNotContain(paths, p => !p.Key.StartsWith("/api/v1/", StringComparison.Ordinal));
        Assert.Equal("X-Api-Key", document["components"]!["securitySchemes"]!["ApiKey"]!["name"]!.GetValue<string>());
        var schemas = document["components"]!["schemas"]!.AsObject();
        Assert.Equal("preOrder", schemas["OrderBody"]!["examples"]![0]!["lines"]![1]!["kind"]!.GetValue<string>());
        Assert.Contains("newDateAccepted", schemas["EventsPage"]!["examples"]!.ToJsonString());
        var put = paths["/api/v1/orders/{orderNumber}/lines/{lineNumber}/eta"]!["put"]!;
        Assert.Contains(put["parameters"]!.AsArray(), p => p!["name"]!.GetValue<string>() == "Idempotency-Key");
        Assert.NotNull(put["requestBody"]!["content"]!["application/json"]);
    }

    /// <summary>The names and summaries stand as attributes on the handlers, away from the routes: each must reach the document.</summary>
    [Fact]
    public async Task EveryOperationHasItsNameAndSummaryAndTheLongOnesADescription()
    {
        var client = factory.CreateClient();

        var document = JsonNode.Parse(await client.GetStringAsync("/openapi/v1.json"))!;

        var operations = document["paths"]!.AsObject()
            .SelectMany(p => p.Value!.AsObject().Select(o => o.Value!))
            .ToDictionary(o => o["operationId"]?.GetValue<string>() ?? "(none)");
        string[] names =
        [
            "PutCustomer", "GetOpenLines", "PutProduct", "ChangeSkuEta", "PutOrder", "GetOrder",
            "PutLineEta", "PostShipment", "PostCancellation", "GetEvents",
        ];
        Assert.Equal(names.Order(), operations.Keys.Order());
        Assert.All(operations.Values, o => Assert.False(string.IsNullOrWhiteSpace(o["summary"]?.GetValue<string>())));
        Assert.Equal("Create or update a customer", operations["PutCustomer"]["summary"]!.GetValue<string>());
        Assert.StartsWith("Upsert by order number", operations["PutOrder"]["description"]!.GetValue<string>(), StringComparison.Ordinal);
        // An attribute cannot format an int constant into its text: this ties the description to the rule it states.
        Assert.Contains($"up to {BacklogPortal.Fulfilment.LineFulfilmentService.MaxShippedDaysAgo} days back", operations["PostShipment"]["description"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(["Customers"], operations["GetOpenLines"]["tags"]!.AsArray().Select(t => t!.GetValue<string>()));
    }

    [Fact]
    public async Task ReferencePageIsServedByThePortalItself()
    {
        var client = factory.CreateClient();

        var page = await client.GetAsync("/api/reference/");
        var html = await page.Content.ReadAsStringAsync();
        var script = await client.GetAsync("/api/reference/scalar.js");

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        // Scalar starts from an inline module script: its page alone allows inline scripts; others keep the nonce.
        Assert.Contains("script-src 'self' 'unsafe-inline';", page.Headers.GetValues("Content-Security-Policy").Single());
        Assert.Contains("'nonce-", (await client.GetAsync("/Account/Login")).Headers.GetValues("Content-Security-Policy").Single());
        Assert.DoesNotMatch("(src|href)=\"(https?:)?//", html);
        Assert.Contains("openapi/v1.json", html);
        Assert.Equal(HttpStatusCode.OK, script.StatusCode);
        Assert.True((await script.Content.ReadAsByteArrayAsync()).Length > 100_000);
    }
}
