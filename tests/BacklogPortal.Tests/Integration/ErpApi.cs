using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using BacklogPortal.Data;
using BacklogPortal.Data.Demo;
using BacklogPortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BacklogPortal.Tests.Integration;

/// <summary>The portal for API tests: background loops off, so outbox rows stay where the write path put them.</summary>
public class ApiAppFactory : PortalAppFactory
{
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Notifications:BackgroundProcessing"] = "false",
        ["Integration:RequestsPerSecond"] = "100000",
        ["Integration:Burst"] = "100000",
    };
}

/// <summary>An HTTP client acting as the ERP (the demo key), plus the few facts tests read back from the database.</summary>
internal sealed class ErpApi(PortalAppFactory factory)
{
    private static int sequence;

    public HttpClient Client { get; } = CreateClient(factory, DemoDataSeeder.ApiKey);

    public static HttpClient CreateClient(PortalAppFactory factory, string? key)
    {
        var client = factory.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        if (key is not null)
        {
            client.DefaultRequestHeaders.Add("X-Api-Key", key);
        }
        return client;
    }

    /// <summary>A name no other test uses.</summary>
    public static string Unique(string prefix) => $"{prefix}-{Interlocked.Increment(ref sequence)}-{Guid.NewGuid():n}"[..Math.Min(prefix.Length + 14, 40)];

    public static DateOnly Today => DateOnly.FromDateTime(DateTime.UtcNow);

    public async Task<PortalDbContext> DbAsync() =>
        await factory.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();

    public Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, object? body = null, string? idempotencyKey = null)
    {
        var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = body is string raw
                ? new StringContent(raw, Encoding.UTF8, "application/json")
                : JsonContent.Create(body);
        }
        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }
        return Client.SendAsync(request);
    }

    public Task<HttpResponseMessage> PutAsync(string path, object body, string? idempotencyKey = null) => SendAsync(HttpMethod.Put, path, body, idempotencyKey);

    public Task<HttpResponseMessage> PostAsync(string path, object body, string? idempotencyKey = null) => SendAsync(HttpMethod.Post, path, body, idempotencyKey);

    public async Task<JsonNode> GetJsonAsync(string path)
    {
        var response = await Client.GetAsync(path);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonNode>())!;
    }

    public static async Task<JsonNode> JsonOf(HttpResponseMessage response) =>
        JsonNode.Parse(await response.Content.ReadAsStringAsync()) ?? throw new InvalidOperationException("No JSON body.");

    /// <summary>A customer, a released product and a backordered order line with an ETA, all created through the API.</summary>
    public async Task<ErpLine> BackorderAsync(int quantity = 10, DateOnly? eta = null, DateOnly? promised = null)
    {
        var customer = Unique("C");
        var sku = Unique("SKU");
        var order = Unique("SO");
        Ok(await PutAsync($"/api/v1/customers/{customer}", new { name = $"Customer {customer}", notificationEmail = $"{customer.ToLowerInvariant()}@example.com" }));
        Ok(await PutAsync($"/api/v1/products/{sku}", new { name = $"Product {sku}", unitPrice = 12.5m, releaseDate = (DateOnly?)null }));
        var lineEta = eta ?? Today.AddDays(14);
        Ok(await PutAsync($"/api/v1/orders/{order}", new
        {
            customerNumber = customer,
            orderDate = Today.AddDays(-3),
            lines = new[] { new { lineNumber = 1, sku, kind = "backorder", quantity, promisedDate = promised ?? lineEta, eta = (DateOnly?)lineEta } },
        }));
        return new ErpLine(customer, sku, order, 1);
    }

    public static void Ok(HttpResponseMessage response)
    {
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"{(int)response.StatusCode}: {response.Content.ReadAsStringAsync().GetAwaiter().GetResult()}");
        }
    }
}

internal sealed record ErpLine(string CustomerNumber, string Sku, string OrderNumber, int LineNumber)
{
    public string Path => $"/api/v1/orders/{OrderNumber}/lines/{LineNumber}";
}

internal static class ProblemAssertions
{
    /// <summary>Asserts an RFC 9457 problem with the status and, when given, an error for the field.</summary>
    public static async Task<JsonNode> AssertProblemAsync(this HttpResponseMessage response, int status, string? field = null)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode == status, $"Expected {status}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonNode.Parse(text)!;
        Assert.Equal(status, problem["status"]!.GetValue<int>());
        if (field is not null)
        {
            var errors = problem["errors"]?.AsObject();
            Assert.True(errors is not null && errors.ContainsKey(field), $"No error for {field}: {text}");
            Assert.NotEmpty(errors![field]!.AsArray());
        }
        return problem;
    }

    public static string Json(object value) => JsonSerializer.Serialize(value);
}
