using System.Collections.Concurrent;
using BacklogPortal.Data.Demo;
using BacklogPortal.EndToEnd.Infrastructure;

namespace BacklogPortal.EndToEnd.Hosting;

/// <summary>
/// Every page, with the portal's real Content-Security-Policy on, in Chromium: no policy violation and
/// no console error, before and after the interactive circuit starts and a menu is opened.
/// </summary>
public sealed class ContentSecurityPolicyTests(PortalServer server) : PortalTest(server)
{
    private const string RecordViolations = """
        window.__cspViolations = [];
        document.addEventListener('securitypolicyviolation', e =>
            window.__cspViolations.push(e.violatedDirective + ' blocked ' + (e.blockedURI || 'inline') + ' at ' + e.sourceFile + ':' + e.lineNumber));
        """;

    [Fact]
    public Task AnonymousPagesRunUnderThePolicy() => InBrowserAsync(async page =>
    {
        var problems = await WatchAsync(page);

        foreach (var path in new[] { "Account/Login", "Account/Register", "Account/ForgotPassword" })
        {
            await VisitAsync(page, path, interactive: false);
        }

        Assert.True(problems.IsEmpty, string.Join(Environment.NewLine, problems));
    });

    [Fact]
    public Task CustomerPagesRunUnderThePolicy() => InBrowserAsync(async page =>
    {
        var orders = await Server.OrderNumbersOfAsync("Northwind Traders");
        var problems = await WatchAsync(page);
        await page.SignInAsync(DemoDataSeeder.AliceEmail, DemoDataSeeder.Password);
        await Expect(page.BacklogRows().First).ToBeVisibleAsync();

        foreach (var path in new[] { "backlog", $"orders/{orders.First()}", "settings/notifications" })
        {
            await VisitAsync(page, path, interactive: true);
        }
        foreach (var path in new[] { "Account/Manage", "Account/Manage/Email", "Account/Manage/TwoFactorAuthentication" })
        {
            await VisitAsync(page, path, interactive: false);
        }

        Assert.True(problems.IsEmpty, string.Join(Environment.NewLine, problems));
    });

    [Fact]
    public Task StaffPagesRunUnderThePolicy() => InBrowserAsync(async page =>
    {
        var problems = await WatchAsync(page);
        await page.SignInAsync(DemoDataSeeder.StaffEmail, DemoDataSeeder.Password);
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/staff$"));

        foreach (var path in new[] { "staff", "staff/lines", "staff/import", "staff/notifications" })
        {
            await VisitAsync(page, path, interactive: true);
        }

        Assert.True(problems.IsEmpty, string.Join(Environment.NewLine, problems));
    });

    private static async Task<ConcurrentQueue<string>> WatchAsync(IPage page)
    {
        var problems = new ConcurrentQueue<string>();
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                problems.Enqueue($"{page.Url}: console error: {message.Text}");
            }
        };
        page.PageError += (_, error) => problems.Enqueue($"{page.Url}: page error: {error}");
        await page.AddInitScriptAsync(RecordViolations);
        return problems;
    }

    private static async Task VisitAsync(IPage page, string path, bool interactive)
    {
        await page.GotoAsync(path);
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        if (interactive)
        {
            // The prerendered menu ignores a click until the circuit runs (a loaded machine takes seconds to connect);
            // opening it then also runs MudBlazor's popover code, which sets inline styles at run time.
            await page.WaitForInteractiveAsync("signed-in-user");
            await page.GetByTestId("signed-in-user").ClickAsync();
            await Expect(page.GetByTestId("sign-out")).ToBeVisibleAsync();
            await page.Keyboard.PressAsync("Escape");
        }
        var violations = await page.EvaluateAsync<string[]>("() => window.__cspViolations || []");
        Assert.True(violations.Length == 0, $"{path}: {string.Join("; ", violations)}");
    }
}
