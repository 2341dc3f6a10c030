using System.Collections.Concurrent;
using System.Runtime.CompilerServices;

namespace BacklogPortal.EndToEnd.Infrastructure;

/// <summary>Base of the end-to-end test classes: runs a test in a fresh browser page and keeps evidence when it fails.</summary>
[Collection(PortalCollection.Name)]
public abstract class PortalTest(PortalServer server)
{
    public static readonly ViewportSize Desktop = new() { Width = 1366, Height = 900 };
    public static readonly ViewportSize Phone = new() { Width = 390, Height = 844 };

    // Every page the test opened, with its browser console: closed at the end, kept as evidence on failure.
    private readonly List<(IPage Page, ConcurrentQueue<string> Log)> browsers = [];

    protected PortalServer Server => server;

    /// <summary>
    /// Runs <paramref name="test"/> against a page of its own. On failure the evidence of every page the test opened
    /// (a screenshot, the HTML, the browser console) and the portal's warnings and errors meanwhile go to
    /// TestResults/e2e/, then the original exception is rethrown.
    /// </summary>
    protected async Task InBrowserAsync(Func<IPage, Task> test, ViewportSize? viewport = null, [CallerMemberName] string testName = "")
    {
        var started = DateTimeOffset.UtcNow;
        try
        {
            await test(await AnotherBrowserAsync(viewport));
        }
        catch
        {
            await SaveEvidenceAsync($"{GetType().Name}.{testName}", started);
            throw;
        }
        finally
        {
            foreach (var browser in browsers)
            {
                await browser.Page.Context.CloseAsync();
            }
        }
    }

    /// <summary>
    /// A page in a browser context of its own — another person beside the test's first page (a customer who follows
    /// an email while staff stay signed in): its own cookies, its evidence kept on failure, closed when the test ends.
    /// </summary>
    protected async Task<IPage> AnotherBrowserAsync(ViewportSize? viewport = null)
    {
        var isPhone = viewport is { Width: < 600 };
        var context = await server.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = server.BaseAddress.ToString(),
            ViewportSize = viewport ?? Desktop,
            IsMobile = isPhone,
            HasTouch = isPhone,
            Locale = "en-US",
            ColorScheme = ColorScheme.Light,
        });
        context.SetDefaultTimeout(30_000);
        var page = await context.NewPageAsync();
        var log = new ConcurrentQueue<string>();
        page.Console += (_, message) => log.Enqueue($"console.{message.Type}: {message.Text}");
        page.PageError += (_, error) => log.Enqueue($"page error: {error}");
        page.RequestFailed += (_, request) => log.Enqueue($"request failed: {request.Method} {request.Url} {request.Failure}");
        browsers.Add((page, log));
        return page;
    }

    private async Task SaveEvidenceAsync(string name, DateTimeOffset started)
    {
        var directory = Path.Combine(PortalServer.ArtifactsDirectory, "e2e");
        Directory.CreateDirectory(directory);
        for (var i = 0; i < browsers.Count; i++)
        {
            var (page, log) = browsers[i];
            // The first page keeps the test's name; a second person's page gets a number.
            var file = Path.Combine(directory, i == 0 ? name : $"{name}.{i + 1}");
            try
            {
                await page.ScreenshotAsync(new PageScreenshotOptions { Path = $"{file}.png", FullPage = true, Timeout = 10_000 });
                await File.WriteAllTextAsync($"{file}.html", await page.ContentAsync());
            }
            catch (PlaywrightException)
            {
                // The page may be gone (crashed renderer, closed context); the log below still helps.
            }
            await File.WriteAllLinesAsync($"{file}.log", [$"url: {page.Url}", .. log]);
        }
        await File.WriteAllLinesAsync(Path.Combine(directory, $"{name}.server.log"), server.Log.Since(started));
    }
}
