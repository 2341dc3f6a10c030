// Circuit memory of /backlog (issue 8, SPEC "circuit memory"): opens N real circuits as alice in Chromium, each a tab on
// /backlog with 50 lines, and reports the server's managed heap and resident set per circuit after full collections —
// active (just used), then idle (after Portal:CircuitIdleTimeout the tabs pause their circuits).
//
//   dotnet run -c Release --project bench/BacklogPortal.CircuitHarness -- --circuits 40 --idle-seconds 20
//
// The portal runs in a child process (this program with "serve"), so that Playwright's own objects never count.
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using Microsoft.Playwright;

namespace BacklogPortal.CircuitHarness;

// A class of its own rather than top-level statements: the portal's Program is the type WebApplicationFactory starts.
internal static class Harness
{
    public static async Task<int> Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "serve")
        {
            var port = int.Parse(args[1], CultureInfo.InvariantCulture);
            var idle = TimeSpan.FromSeconds(int.Parse(args[2], CultureInfo.InvariantCulture));
            using var portal = new PortalProcess(args[3], port, idle);
            portal.StartServer();
            Console.WriteLine("ready");
            // Until the driver closes our input.
            await Console.In.ReadToEndAsync();
            return 0;
        }

        var circuits = ArgValue("--circuits", 40);
        var idleSeconds = ArgValue("--idle-seconds", 20);
        var dataDirectory = Path.Combine(Path.GetTempPath(), "backlogportal-circuits", Guid.NewGuid().ToString("n"));
        Directory.CreateDirectory(dataDirectory);
        var portalPort = FreePort();
        var baseAddress = new Uri($"http://127.0.0.1:{portalPort}/");

        using var server = Process.Start(new ProcessStartInfo("dotnet", [typeof(PortalProcess).Assembly.Location, "serve", portalPort.ToString(CultureInfo.InvariantCulture), idleSeconds.ToString(CultureInfo.InvariantCulture), dataDirectory])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            WorkingDirectory = AppContext.BaseDirectory,
        })!;
        try
        {
            while (await server.StandardOutput.ReadLineAsync() is { } line && line != "ready")
            {
                Console.WriteLine($"portal: {line}");
            }
            // Keep reading the child's output, so that a full pipe never blocks its logging.
            _ = server.StandardOutput.ReadToEndAsync();
            using var http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromMinutes(2) };

            using var playwright = await Playwright.CreateAsync();
            await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
            {
                ExecutablePath = "/usr/bin/chromium",
                Headless = true,
                Args = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking", "--disable-renderer-backgrounding",
                    "--disable-background-timer-throttling", "--disable-backgrounding-occluded-windows"],
            });
            var context = await browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = baseAddress.ToString(), ViewportSize = new() { Width = 1366, Height = 900 } });
            context.SetDefaultTimeout(120_000);
            var signIn = await context.NewPageAsync();
            await signIn.GotoAsync("Account/Login");
            await signIn.Locator("[id='Input.Email']").FillAsync("alice@example.com");
            await signIn.Locator("[id='Input.Password']").FillAsync("Demo-Passw0rd!");
            await signIn.Locator("button[type=submit]").First.ClickAsync();
            await signIn.WaitForURLAsync("**/backlog");
            await WaitInteractiveAsync(signIn);
            // Warm-up done (JIT, caches, the first circuit); the sign-in tab leaves for a page without a circuit.
            await signIn.GotoAsync("Account/Manage");
            await Task.Delay(TimeSpan.FromSeconds(5));
            var before = await HeapAsync();

            Console.WriteLine($"baseline: {Mb(before.ManagedHeapBytes)} managed heap, {Mb(before.ResidentBytes)} resident");
            var pages = new List<IPage>();
            for (var i = 0; i < circuits; i++)
            {
                var page = await context.NewPageAsync();
                if (i == 0)
                {
                    page.Console += (_, message) => Console.WriteLine($"tab 1 console.{message.Type}: {message.Text}");
                }
                await page.GotoAsync("backlog");
                await WaitInteractiveAsync(page);
                var rows = await page.Locator("tr[data-testid=backlog-row]").CountAsync();
                if (rows != 50)
                {
                    throw new InvalidOperationException($"Tab {i + 1} shows {rows} lines, not 50: the harness would measure another page.");
                }
                pages.Add(page);
            }
            var active = await HeapAsync();
            var pausedEarly = 0;
            foreach (var page in pages)
            {
                pausedEarly += await page.EvaluateAsync<bool>("() => document.documentElement.dataset.circuit === 'paused'") ? 1 : 0;
            }
            if (pausedEarly > 0)
            {
                throw new InvalidOperationException($"{pausedEarly} tabs paused before the active figure was taken: give a longer --idle-seconds.");
            }
            Console.WriteLine($"{circuits} tabs open and interactive; active: {Mb(active.ManagedHeapBytes)} managed heap, {Kb((active.ManagedHeapBytes - before.ManagedHeapBytes) / (double)circuits)} per circuit");
            var probe = await pages[0].EvaluateAsync<string>("() => `pause api: ${typeof Blazor?.pauseCircuit}, idle meta: ${document.querySelector('meta[name=portal-circuit-idle-timeout]')?.content}, state: ${document.documentElement.dataset.circuit}`");
            Console.WriteLine(probe);

            // No input from here on: every tab pauses its circuit after the idle timeout.
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(idleSeconds) + TimeSpan.FromMinutes(2);
            foreach (var page in pages)
            {
                await page.WaitForSelectorAsync("html[data-circuit=paused]", new PageWaitForSelectorOptions { State = WaitForSelectorState.Attached, Timeout = (float)Math.Max(1_000, (deadline - DateTime.UtcNow).TotalMilliseconds) });
            }
            await Task.Delay(TimeSpan.FromSeconds(3));
            var idle = await HeapAsync();

            // And back: one tab resumes on input and shows the same 50 lines.
            await pages[0].Mouse.MoveAsync(200, 300);
            await pages[0].WaitForSelectorAsync("html[data-circuit=active]", new PageWaitForSelectorOptions { State = WaitForSelectorState.Attached });
            var resumedRows = await pages[0].Locator("tr[data-testid=backlog-row]").CountAsync();

            Console.WriteLine($"Machine: {Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}; server GC");
            Console.WriteLine($"{circuits} tabs of /backlog as alice@example.com (50 lines each), idle timeout {idleSeconds} s");
            Console.WriteLine();
            Console.WriteLine($"{"state",-30} {"managed heap",14} {"per circuit",12} {"resident set",14} {"per circuit",12}");
            Row("no circuit (baseline)", before, before);
            Row("active (just opened)", active, before);
            Row("idle (paused)", idle, before);
            Console.WriteLine();
            Console.WriteLine($"resumed tab shows {resumedRows} lines");
            return 0;

            void Row(string name, HeapFigures figures, HeapFigures baseline) =>
                Console.WriteLine($"{name,-30} {Mb(figures.ManagedHeapBytes),14} {Kb((figures.ManagedHeapBytes - baseline.ManagedHeapBytes) / (double)circuits),12} {Mb(figures.ResidentBytes),14} {Kb((figures.ResidentBytes - baseline.ResidentBytes) / (double)circuits),12}");

            async Task<HeapFigures> HeapAsync() => (await http.GetFromJsonAsync<HeapFigures>("bench/heap"))!;
        }
        finally
        {
            server.StandardInput.Close();
            if (!server.WaitForExit(30_000))
            {
                server.Kill(entireProcessTree: true);
            }
            try
            {
                Directory.Delete(dataDirectory, recursive: true);
            }
            catch (IOException)
            {
            }
        }

        static Task WaitInteractiveAsync(IPage page) =>
            page.WaitForSelectorAsync("[data-testid=backlog-page][data-interactive=true]", new PageWaitForSelectorOptions { State = WaitForSelectorState.Attached });

        static string Mb(long bytes) => $"{bytes / 1024.0 / 1024.0:F1} MB";

        static string Kb(double bytes) => $"{bytes / 1024.0:F0} KB";

        static int FreePort()
        {
            using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
            listener.Start();
            return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        }

        int ArgValue(string name, int fallback)
        {
            var index = Array.IndexOf(args, name);
            return index >= 0 && index + 1 < args.Length ? int.Parse(args[index + 1], CultureInfo.InvariantCulture) : fallback;
        }
    }
}
