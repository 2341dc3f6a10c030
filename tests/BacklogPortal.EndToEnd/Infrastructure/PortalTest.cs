using System.Collections.Concurrent;
using System.Runtime.CompilerServices;

namespace BacklogPortal.EndToEnd.Infrastructure;

/// <summary>Base of the end-to-end test classes: runs a test in a fresh browser page and keeps evidence when it fails.</summary>
[Collection(PortalCollection.Name)]
public abstract class PortalTest(PortalServer server)
{
    public static readonly ViewportSize Desktop = new() { Width = 1366, Height = 900 };
    public static readonly ViewportSize Phone = new() { Width = 390, Height = 844 };

    protected PortalServer Server => server;

    /// <summary>
    /// Runs <paramref name="test"/> against a page of its own. On failure a screenshot, the page's HTML
    /// and the browser console go to TestResults/e2e/, then the original exception is rethrown.
    /// </summary>
    protected async Task InBrowserAsync(Func<IPage, Task> test, ViewportSize? viewport = null, [CallerMemberName] string testName = "")
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
        try
        {
            await test(page);
        }
        catch
        {
            await SaveEvidenceAsync(page, $"{GetType().Name}.{testName}", log);
            throw;
        }
        finally
        {
            await context.CloseAsync();
        }
    }

    private static async Task SaveEvidenceAsync(IPage page, string name, IEnumerable<string> log)
    {
        var directory = Path.Combine(PortalServer.ArtifactsDirectory, "e2e");
        Directory.CreateDirectory(directory);
        try
        {
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(directory, $"{name}.png"), FullPage = true, Timeout = 10_000 });
            await File.WriteAllTextAsync(Path.Combine(directory, $"{name}.html"), await page.ContentAsync());
        }
        catch (PlaywrightException)
        {
            // The page may be gone (crashed renderer); the log below still helps.
        }
        await File.WriteAllLinesAsync(Path.Combine(directory, $"{name}.log"), [$"url: {page.Url}", .. log]);
    }
}
