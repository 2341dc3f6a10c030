using System.Net;
using BacklogPortal.Data.Demo;
using BacklogPortal.Tests.Infrastructure;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace BacklogPortal.Tests.Hosting;

/// <summary>
/// Every route the portal maps, read from its own endpoint table (so a route added later is swept too),
/// requested with malformed route and query values as a visitor, a customer and staff: never a 5xx.
/// </summary>
public sealed class MalformedInputSweepTests(PortalAppFactory factory) : IClassFixture<PortalAppFactory>
{
    // No %00 in a path: Kestrel refuses such a request line with a 400 before the app sees it (and the
    // in-memory test server throws instead); NUL in query values is swept below.
    private static readonly string[] MalformedValues =
    [
        "abc", "1.5", "-1", "99999999999", "%3Cscript%3Ealert(1)%3C%2Fscript%3E", "..%2F..%2Fetc%2Fpasswd",
        "%E2%80%AE", "%FF%FE", new string('9', 400), "%20", "'%20OR%201%3D1--",
    ];

    // Every query name a page of the portal reads, with values of the wrong type or shape.
    private static readonly string[] MalformedQueries =
    [
        "line=abc&respond=x", "line=1.5&respond=accept", "line=99999999999", "line=105>",
        "minutes=abc", "rememberMe=maybe", "ReturnUrl=https://evil.example/", "returnUrl=//evil.example",
        "page=-1&size=abc&sort=nonsense&kind=nope&overdue=maybe&decision=%00&q=%00",
        "page=99999999999&size=-5", "status=%FF&etaFrom=2026-13-45&etaTo=abc&ageFrom=x&slipFrom=1e9",
        "userId=abc&code=%%%", "code=abc&email=%00", "after=abc&limit=-1&cursor=%00",
    ];

    [Fact]
    public async Task NoRouteAnswersAMalformedValueWithAServerError()
    {
        var routes = RoutesOf(factory.Services);
        Assert.Contains("/backlog", routes);
        Assert.Contains("/orders/{orderNumber}", routes, StringComparer.OrdinalIgnoreCase);

        var clients = new Dictionary<string, HttpClient> { ["visitor"] = factory.CreatePortalClient() };
        clients["customer"] = factory.CreatePortalClient();
        await clients["customer"].SignInAsync(DemoDataSeeder.AliceEmail, DemoDataSeeder.Password);
        clients["staff"] = factory.CreatePortalClient();
        await clients["staff"].SignInAsync(DemoDataSeeder.StaffEmail, DemoDataSeeder.Password);

        var failures = new List<string>();
        var requests = 0;
        foreach (var (who, client) in clients)
        {
            foreach (var url in UrlsFor(routes))
            {
                requests++;
                var response = await client.GetAsync(url);
                if ((int)response.StatusCode >= 500)
                {
                    failures.Add($"{who} GET {url} → {(int)response.StatusCode}");
                }
            }
        }

        Assert.True(requests > 3 * routes.Count, $"only {requests} requests");
        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
    }

    private static IEnumerable<string> UrlsFor(IReadOnlyList<string> routes)
    {
        foreach (var route in routes)
        {
            var hasParameters = route.Contains('{', StringComparison.Ordinal);
            foreach (var value in hasParameters ? MalformedValues : ["x"])
            {
                var path = hasParameters ? Fill(route, value) : route;
                yield return path;
                if (value == MalformedValues[0] || !hasParameters)
                {
                    foreach (var query in MalformedQueries)
                    {
                        yield return $"{path}?{query}";
                    }
                }
            }
        }
    }

    private static string Fill(string route, string value) =>
        System.Text.RegularExpressions.Regex.Replace(route, "\\{[^}]+\\}", value);

    /// <summary>The page and endpoint routes of the app, without the static files (one endpoint per file).</summary>
    private static IReadOnlyList<string> RoutesOf(IServiceProvider services) =>
        services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .Select(endpoint => "/" + (endpoint.RoutePattern.RawText ?? "").TrimStart('/'))
            .Where(route => !route.Contains('.', StringComparison.Ordinal) && !route.StartsWith("/_", StringComparison.Ordinal))
            .Select(route => System.Text.RegularExpressions.Regex.Replace(route, "\\{\\*\\*?([^}:]+)[^}]*\\}", "{$1}"))
            .Distinct()
            .Order(StringComparer.Ordinal)
            .ToList();
}
