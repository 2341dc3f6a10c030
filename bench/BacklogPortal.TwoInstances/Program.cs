using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using BacklogPortal.TwoInstances;
using Microsoft.Playwright;

// Two portal instances on one database behind nginx, checked the way operators and customers would notice a problem.
// Run with bench/two-instances.sh (publishes the portal, installs nginx when missing). README: "Running more than one instance".
var app = Argument("--app") ?? throw new ArgumentException("--app <folder of the published portal> is required.");
var customers = int.Parse(Argument("--customers") ?? "60", CultureInfo.InvariantCulture);
var work = Path.GetFullPath(Argument("--work") ?? Path.Combine("artifacts", "two-instances", DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture)));
Directory.CreateDirectory(work);
var results = new List<(string Check, bool Passed, string Detail)>();
// What each sink had accepted when the current scenario's change was made: its emails are the ones after that.
var baselines = new Dictionary<string, (int A, int B)>();
string? currentSku = null;
var today = DateOnly.FromDateTime(DateTime.UtcNow);

await using var sinkA = new SmtpSink("smtp-a");
await using var sinkB = new SmtpSink("smtp-b");
int portA = FreePort(), portB = FreePort(), proxyPort = FreePort();
await using var proxy = await Nginx.StartAsync(Path.Combine(work, "nginx"), proxyPort, portA, portB);
var proxyUrl = $"http://127.0.0.1:{proxyPort}";
Dictionary<string, string> Settings(string name, SmtpSink sink) => new()
{
    ["ConnectionStrings:Portal"] = $"Data Source={Path.Combine(work, "portal.db")}",
    ["Portal:DataDirectory"] = Path.Combine(work, name),
    ["Portal:PublicBaseUrl"] = proxyUrl,
    ["Demo:Seed"] = "true",
    ["Email:Smtp:Host"] = "127.0.0.1",
    ["Email:Smtp:Port"] = sink.Port.ToString(CultureInfo.InvariantCulture),
    ["Email:Smtp:Security"] = "None",
    ["Email:Smtp:Timeout"] = "00:00:05",
    ["Notifications:LeaseDuration"] = "00:00:10",
    ["Notifications:CoalesceWindow"] = "00:00:02",
    ["Notifications:PollInterval"] = "00:00:01",
    // Small claims, so that both dispatchers get a share of one burst.
    ["Notifications:BatchSize"] = "5",
};
// One after the other: the first applies the migrations and seeds the demo data, the second finds them done.
await using var a = await PortalInstance.StartAsync("a", app, portA, Settings("a", sinkA), Path.Combine(work, "a.log"));
await using var b = await PortalInstance.StartAsync("b", app, portB, Settings("b", sinkB), Path.Combine(work, "b.log"));
Console.WriteLine($"proxy {proxyUrl}, instance a {a.BaseUrl}, instance b {b.BaseUrl}, files in {work}");

using var playwright = await Playwright.CreateAsync();
await using var browser = await playwright.Chromium.LaunchAsync(new() { ExecutablePath = "/usr/bin/chromium", Headless = true });

await Check("a customer signs in and works through the proxy (WebSocket circuit)", async () =>
{
    var context = await browser.NewContextAsync(new() { BaseURL = proxyUrl + "/" });
    var page = await context.NewPageAsync();
    await page.GotoAsync("Account/Login");
    await page.Locator("[id='Input.Email']").FillAsync("alice@example.com");
    await page.Locator("[id='Input.Password']").FillAsync(Http.Password);
    await page.GetByRole(AriaRole.Button, new() { NameRegex = new System.Text.RegularExpressions.Regex(@"^\s*(log|sign) in\s*$", System.Text.RegularExpressions.RegexOptions.IgnoreCase) }).ClickAsync();
    await page.WaitForURLAsync(url => !url.Contains("Login", StringComparison.OrdinalIgnoreCase));
    await page.GotoAsync("backlog");
    // Rows appear once the circuit is up; the proxy's log shows the WebSocket upgrade (101) it carried.
    await page.GetByText(new System.Text.RegularExpressions.Regex(@"SO-\d+")).First.WaitForAsync(new() { Timeout = 30_000 });
    var route = (await context.CookiesAsync()).SingleOrDefault(c => c.Name == "portal_route")?.Value;
    var upgraded = (await File.ReadAllLinesAsync(proxy.AccessLog)).Count(l => l.StartsWith("101 ", StringComparison.Ordinal) && l.Contains("/_blazor", StringComparison.Ordinal));
    await context.CloseAsync();
    return (route is "a" or "b" && upgraded > 0, $"pinned to instance {route}; {upgraded} WebSocket upgrade(s) through nginx");
});

await Check("sticky sessions: a browser stays on its instance", async () =>
{
    using var client = Http.Browser(proxyUrl);
    var logBefore = (await File.ReadAllLinesAsync(proxy.AccessLog)).Length;
    for (var i = 0; i < 20; i++)
    {
        (await client.GetAsync("/Account/Login")).Dispose();
    }
    // Only this browser's requests: nginx logs the earlier page's WebSocket when it closes, which may be now.
    var upstreams = (await File.ReadAllLinesAsync(proxy.AccessLog)).Skip(logBefore)
        .Where(l => l.Contains("\"GET /Account/Login ", StringComparison.Ordinal)).Select(l => l.Split(' ')[1]).ToList();
    return (upstreams.Count == 20 && upstreams.Distinct().Count() == 1, $"20 requests, upstreams: {string.Join(", ", upstreams.Distinct())}");
});

await Check("a sign-in cookie issued by one instance works on the other (shared data-protection keys)", async () =>
{
    var cookies = new CookieContainer();
    using var onA = Http.Browser(a.BaseUrl, cookies);
    var signedIn = await Http.SignInAsync(onA, "alice@example.com");
    var jar = new CookieContainer();
    foreach (System.Net.Cookie cookie in cookies.GetCookies(new Uri(a.BaseUrl)))
    {
        jar.Add(new Uri(b.BaseUrl), new System.Net.Cookie(cookie.Name, cookie.Value, "/"));
    }
    using var onB = Http.Browser(b.BaseUrl, jar);
    using var backlog = await onB.GetAsync("/backlog");
    return (signedIn && backlog.StatusCode == HttpStatusCode.OK, $"signed in on a: {signedIn}; /backlog on b: {(int)backlog.StatusCode}");
});

using var erp = Http.Erp(proxyUrl);

await Check("1,000 circuit attempts by one user: refused past the limit while another customer works normally", async () =>
{
    static string CookieHeader(CookieContainer jar, string url) =>
        string.Join("; ", jar.GetCookies(new Uri(url)).Select(c => $"{c.Name}={c.Value}"));
    var aliceJar = new CookieContainer();
    using (var signIn = Http.Browser(b.BaseUrl, aliceJar))
    {
        await Http.SignInAsync(signIn, "alice@example.com");
    }
    var bobJar = new CookieContainer();
    using var bob = Http.Browser(b.BaseUrl, bobJar);
    bob.DefaultRequestHeaders.Add("X-Forwarded-For", "10.0.0.2");
    await Http.SignInAsync(bob, "bob@example.com");
    var bobBefore = await CircuitStorm.P95Async(async () => (await bob.GetAsync("/backlog")).EnsureSuccessStatusCode().Dispose(), 20);

    var storm = CircuitStorm.RunAsync(b.BaseUrl, CookieHeader(aliceJar, b.BaseUrl), "10.0.0.1", attempts: 1000, concurrency: 25);
    var bobDuring = await CircuitStorm.P95Async(async () => (await bob.GetAsync("/backlog")).EnsureSuccessStatusCode().Dispose(), 20);
    using var bobsTab = await CircuitStorm.ConnectAsync(b.BaseUrl, CookieHeader(bobJar, b.BaseUrl), "10.0.0.2");
    var outcome = await storm;
    foreach (var socket in outcome.Open)
    {
        socket.Abort();
        socket.Dispose();
    }
    return (outcome.Accepted == 20 && outcome.Refused == 980 && outcome.Failed == 0,
        $"alice: {outcome.Accepted} circuits accepted (Portal:Circuits:PerUser 20), {outcome.Refused} refused with 429, {outcome.Failed} other failures; " +
        $"bob meanwhile opened a circuit and loaded /backlog with p95 {bobDuring.TotalMilliseconds:0} ms (before the storm {bobBefore.TotalMilliseconds:0} ms)");
});

await Check("an ETA changed through one instance appears on a customer's page served by the other, without a reload", async () =>
{
    var context = await browser.NewContextAsync(new() { BaseURL = proxyUrl + "/" });
    // Pinned to b by the proxy's own cookie; the change goes to a directly.
    await context.AddCookiesAsync([new() { Name = "portal_route", Value = "b", Domain = "127.0.0.1", Path = "/" }]);
    var page = await context.NewPageAsync();
    await page.GotoAsync("Account/Login");
    await page.Locator("[id='Input.Email']").FillAsync("alice@example.com");
    await page.Locator("[id='Input.Password']").FillAsync(Http.Password);
    await page.GetByRole(AriaRole.Button, new() { NameRegex = new System.Text.RegularExpressions.Regex(@"^\s*(log|sign) in\s*$", System.Text.RegularExpressions.RegexOptions.IgnoreCase) }).ClickAsync();
    await page.WaitForURLAsync(url => !url.Contains("Login", StringComparison.OrdinalIgnoreCase));
    await page.GotoAsync("backlog");
    await page.Locator("[data-testid=backlog-page][data-interactive=true]").WaitForAsync(new() { Timeout = 30_000 });
    var orderNumber = System.Text.RegularExpressions.Regex.Match(await page.Locator("[data-testid=backlog-row]").First.InnerTextAsync(), @"SO-\d+").Value;
    // Only that order's lines on screen, so the changed line stays on the page whatever its new date's place in the sort.
    await page.GotoAsync($"backlog?q={orderNumber}");
    await page.Locator("[data-testid=backlog-page][data-interactive=true]").WaitForAsync(new() { Timeout = 30_000 });
    var rowText = await page.Locator("[data-testid=backlog-row]").First.InnerTextAsync();
    using var erpOnA = Http.Erp(a.BaseUrl);
    var order = await erpOnA.GetFromJsonAsync<System.Text.Json.JsonElement>($"orders/{orderNumber}");
    var line = order.GetProperty("lines").EnumerateArray()
        .First(l => rowText.Contains(l.GetProperty("sku").GetString()!, StringComparison.Ordinal) && l.GetProperty("quantityOpen").GetInt32() > 0);
    var lineNumber = line.GetProperty("lineNumber").GetInt32();
    using var change = await erpOnA.PutAsJsonAsync($"orders/{orderNumber}/lines/{lineNumber}/eta", new { eta = Date(137), reasonCode = "transport", reasonText = "Harness: live update" });
    change.EnsureSuccessStatusCode();
    var committed = Stopwatch.StartNew();
    await page.Locator("tr.row-updated").First.WaitForAsync(new() { Timeout = 10_000 });
    var shownAfter = committed.Elapsed;
    var cookie = (await context.CookiesAsync()).Single(c => c.Name == "portal_route").Value;
    await context.CloseAsync();
    return (shownAfter <= TimeSpan.FromSeconds(2) && cookie == "b",
        $"{orderNumber} line {lineNumber} changed on instance a; the page on instance {cookie} showed it {shownAfter.TotalSeconds:0.00} s after the commit (bar 2 s)");
});

await Check($"each email is sent exactly once by the two dispatchers ({customers} customers)", async () =>
{
    var expected = await DelayOneSkuForNewCustomersAsync("HARNESS-ONCE", customers);
    var accepted = await WaitForAsync(expected, TimeSpan.FromMinutes(2));
    // Anything sent twice would arrive within a lease of the first copy.
    await Task.Delay(TimeSpan.FromSeconds(12));
    var (total, unique, byA, byB) = Count(expected);
    return (unique == expected.Count && total == expected.Count && byA > 0 && byB > 0,
        $"{unique} of {expected.Count} customers emailed, {total - unique} duplicates; instance a sent {byA}, instance b {byB}");
});

await Check($"an instance killed mid-dispatch: the other takes its claims over after the lease ({customers} customers)", async () =>
{
    sinkA.Delay = sinkB.Delay = TimeSpan.FromMilliseconds(150);
    var expected = await DelayOneSkuForNewCustomersAsync("HARNESS-KILL", customers);
    await Http.WaitUntilAsync(() => Task.FromResult(Count(expected).ByA >= 3), TimeSpan.FromMinutes(1), "instance a to send its first emails");
    var killedAt = Stopwatch.StartNew();
    await a.KillAsync();
    var sentByABeforeKill = Count(expected).ByA;
    await WaitForAsync(expected, TimeSpan.FromMinutes(2));
    var allIn = killedAt.Elapsed;
    await Task.Delay(TimeSpan.FromSeconds(12));
    var (total, unique, byA, byB) = Count(expected);
    return (unique == expected.Count,
        $"0 lost ({unique} of {expected.Count}); a sent {sentByABeforeKill} before the kill, b sent {byB}; {total - unique} duplicates; all in {allIn.TotalSeconds:0.0} s after the kill (lease 10 s)");
});

Console.WriteLine();
foreach (var (check, passed, detail) in results)
{
    Console.WriteLine($"{(passed ? "PASS" : "FAIL")}  {check}: {detail}");
}
Console.WriteLine($"{results.Count(r => r.Passed)} of {results.Count} checks passed");
return results.All(r => r.Passed) ? 0 : 1;

async Task Check(string name, Func<Task<(bool, string)>> check)
{
    Console.WriteLine($"... {name}");
    try
    {
        var (passed, detail) = await check();
        results.Add((name, passed, detail));
    }
    catch (Exception exception)
    {
        results.Add((name, false, exception.GetType().Name + ": " + exception.Message));
    }
    Console.WriteLine($"    {(results[^1].Passed ? "pass" : "FAIL")}: {results[^1].Detail}");
}

// Through the ERP API: a product, one customer with one backordered line of it per customer, then one SKU-wide
// delay. Every customer is owed exactly one email; returns their addresses.
async Task<HashSet<string>> DelayOneSkuForNewCustomersAsync(string sku, int count)
{
    await Http.PutAsync(erp, $"products/{sku}", new { name = "Harness part " + sku, unitPrice = 10.0m, releaseDate = (string?)null });
    var addresses = new HashSet<string>();
    for (var i = 1; i <= count; i++)
    {
        var number = $"{sku}-C{i:D4}";
        var address = $"{number.ToLowerInvariant()}@harness.example";
        addresses.Add(address);
        await Http.PutAsync(erp, $"customers/{number}", new { name = "Harness customer " + number, notificationEmail = address, culture = "en-US", timeZone = "UTC" });
        await Http.PutAsync(erp, $"orders/{number}-O", new
        {
            customerNumber = number,
            orderDate = today.AddDays(-3).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            lines = new[] { new { lineNumber = 1, sku, kind = "backorder", quantity = 2, promisedDate = Date(10), eta = Date(10) } },
        });
    }
    var before = (sinkA.Accepted.Count, sinkB.Accepted.Count);
    baselines[sku] = before;
    using var change = await erp.PostAsJsonAsync($"products/{sku}/eta-changes", new { eta = Date(45), reasonCode = "supplierDelay", reasonText = "Harness delay" });
    change.EnsureSuccessStatusCode();
    currentSku = sku;
    return addresses;
}

string Date(int days) => today.AddDays(days).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

// The emails of the current scenario: what each sink accepted since its change was made.
(int Total, int Unique, int ByA, int ByB) Count(HashSet<string> expected)
{
    var (fromA, fromB) = baselines[currentSku!];
    var a = sinkA.Accepted.Skip(fromA).ToList();
    var b = sinkB.Accepted.Skip(fromB).ToList();
    return (a.Count + b.Count, a.Concat(b).Distinct().Count(), a.Count, b.Count);
}

async Task<TimeSpan> WaitForAsync(HashSet<string> expected, TimeSpan timeout)
{
    var watch = Stopwatch.StartNew();
    await Http.WaitUntilAsync(() => Task.FromResult(Count(expected).Unique >= expected.Count), timeout, $"{expected.Count} emails");
    return watch.Elapsed;
}

static int FreePort()
{
    using var listener = new TcpListener(IPAddress.Loopback, 0);
    listener.Start();
    return ((IPEndPoint)listener.LocalEndpoint).Port;
}

string? Argument(string name)
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
}
