using System.Text;

namespace BacklogPortal.Tests.Integration;

/// <summary>A sweep of every operation with bodies and route values no ERP should send: never a 5xx, always problem details.</summary>
public sealed class NoServerErrorTests(ApiAppFactory factory) : IClassFixture<ApiAppFactory>
{
    private readonly ErpApi api = new(factory);

    private static readonly string[] Bodies =
    [
        "", "null", "{}", "[]", "\"text\"", "42", "{\"lines\":[null]}", "{\"lines\":{}}", "{\"quantity\":1e400}",
        "{\"unitPrice\":1e30,\"name\":\"x\"}", "{\"eta\":\"\"}", "{\"eta\":null,\"reasonCode\":null}", "{\"name\":[1]}",
        "{\"customerNumber\":\"\\u0000\",\"orderDate\":\"0001-01-01\",\"lines\":[{\"lineNumber\":-2147483648,\"quantity\":2147483647}]}",
        "{\"shippedOn\":\"9999-12-31\",\"quantity\":2147483647}", "\uFEFF{}", "{\"a\":" + new string('[', 100) + new string(']', 100) + "}",
    ];

    private static readonly (string Method, string Path)[] Operations =
    [
        ("PUT", "/api/v1/customers/{c}"),
        ("PUT", "/api/v1/products/{s}"),
        ("POST", "/api/v1/products/{s}/eta-changes"),
        ("PUT", "/api/v1/orders/{o}"),
        ("PUT", "/api/v1/orders/{o}/lines/1/eta"),
        ("POST", "/api/v1/orders/{o}/lines/1/shipments"),
        ("POST", "/api/v1/orders/{o}/lines/1/cancellations"),
        ("GET", "/api/v1/orders/{o}"),
        ("GET", "/api/v1/customers/{c}/open-lines?cursor=99999999999999999999&limit=-1"),
        ("GET", "/api/v1/events?after=99999999999999999999999&limit=abc"),
    ];

    [Fact]
    public async Task NoBodyOrRouteValueProducesAServerError()
    {
        var line = await api.BackorderAsync();
        string[] odd = ["%01", "%20", "..%2F..", new string('x', 3000), "%E2%80%AE", "a%0Ab"];
        var failures = new List<string>();
        var calls = 0;

        foreach (var (method, template) in Operations)
        {
            var values = odd.Select(v => (v, v, v)).Prepend((line.CustomerNumber, line.Sku, line.OrderNumber));
            foreach (var (customer, sku, order) in values)
            {
                var path = template.Replace("{c}", customer).Replace("{s}", sku).Replace("{o}", order);
                foreach (var body in method == "GET" ? [""] : Bodies)
                {
                    var request = new HttpRequestMessage(new HttpMethod(method), path);
                    if (method != "GET")
                    {
                        request.Content = new StringContent(body, Encoding.UTF8, "application/json");
                    }
                    var response = await api.Client.SendAsync(request);
                    calls++;
                    var type = response.Content.Headers.ContentType?.MediaType;
                    if ((int)response.StatusCode >= 500 || (!response.IsSuccessStatusCode && type != "application/problem+json"))
                    {
                        failures.Add($"{method} {path[..Math.Min(path.Length, 80)]} {body[..Math.Min(body.Length, 60)]} → {(int)response.StatusCode} {type}");
                    }
                }
            }
        }

        Assert.True(calls > 500, $"only {calls} calls");
        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
    }
}
