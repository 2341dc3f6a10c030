using System.Text.RegularExpressions;

namespace BacklogPortal.EndToEnd.Infrastructure;

/// <summary>
/// How the tests find things on the portal's pages: by id, role and test id rather than by wording,
/// so a restyled page with new texts keeps its tests.
/// </summary>
public static partial class PortalPages
{
    /// <summary>Signs in through the real /Account/Login form (a static SSR page: no circuit to wait for).</summary>
    public static async Task SignInAsync(this IPage page, string email, string password)
    {
        await page.GotoAsync("Account/Login");
        await page.Locator("[id='Input.Email']").FillAsync(email);
        await page.Locator("[id='Input.Password']").FillAsync(password);
        await page.SignInButton().ClickAsync();
    }

    /// <summary>The form's submit button: "Log in" today, "Sign in" after the restyle.</summary>
    public static ILocator SignInButton(this IPage page) =>
        page.GetByRole(AriaRole.Button, new PageGetByRoleOptions { NameRegex = SignInButtonName() });

    /// <summary>The rows of the backlog table (already in the prerendered page: wait for the circuit before clicking).</summary>
    public static ILocator BacklogRows(this IPage page) =>
        page.GetByTestId("backlog-grid").Locator("tbody tr").Filter(new LocatorFilterOptions { HasTextRegex = OrderNumber() });

    /// <summary>Every order number shown in the grid's current page.</summary>
    public static async Task<IReadOnlyList<string>> BacklogOrderNumbersAsync(this IPage page)
    {
        var rows = await page.BacklogRows().AllInnerTextsAsync();
        return rows.Select(row => OrderNumber().Match(row).Value).ToList();
    }

    /// <summary>
    /// Waits until the page's circuit runs (the element with <paramref name="testId"/> says <c>data-interactive="true"</c>):
    /// before that, the prerendered HTML shows everything but answers no click or key.
    /// </summary>
    public static Task WaitForInteractiveAsync(this IPage page, string testId) =>
        Assertions.Expect(page.GetByTestId(testId)).ToHaveAttributeAsync("data-interactive", "true");

    /// <summary>
    /// Staff on <c>/staff/lines</c>: opens the line of <paramref name="row"/> and changes its ETA with a reason, as
    /// a person does (drawer, dialog, date, reason, save), and waits until the dialog is closed.
    /// </summary>
    public static async Task ChangeEtaOfRowAsync(this IPage staffPage, ILocator row, DateOnly newEta, Domain.EtaReasonCode reason, string? reasonText = null)
    {
        await row.GetByTestId("open-line").ClickAsync();
        await staffPage.GetByTestId("change-line-eta").ClickAsync();
        var dialog = staffPage.GetByTestId("change-line-eta-dialog");
        await Assertions.Expect(dialog).ToBeVisibleAsync();
        // MudBlazor puts the test id on the input element itself.
        var date = dialog.GetByTestId("eta-date");
        await date.FillAsync(Domain.DateFormat.Short(newEta));
        await date.PressAsync("Tab");
        await dialog.GetByTestId("eta-reason").ClickAsync();
        await staffPage.Locator(".mud-popover-open").GetByText(Domain.EtaReasonLabels.Label(reason), new() { Exact = true }).ClickAsync();
        if (reasonText is not null)
        {
            await dialog.GetByTestId("eta-reason-text").FillAsync(reasonText);
        }
        // The dialog's actions sit outside the element that carries its test id.
        await staffPage.GetByTestId("eta-save").ClickAsync();
        await Assertions.Expect(dialog).ToBeHiddenAsync();
    }

    /// <summary>Horizontal overflow of the whole page in CSS pixels (0 when nothing sticks out sideways).</summary>
    public static Task<int> HorizontalOverflowAsync(this IPage page) =>
        page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - document.documentElement.clientWidth");

    /// <summary>Saves a picture for the README when BACKLOGPORTAL_SCREENSHOTS names a folder (scripts/screenshots.sh).</summary>
    public static async Task SaveScreenshotIfRequestedAsync(this IPage page, string name)
    {
        var directory = Environment.GetEnvironmentVariable("BACKLOGPORTAL_SCREENSHOTS");
        if (!string.IsNullOrWhiteSpace(directory))
        {
            Directory.CreateDirectory(directory);
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(directory, $"{name}.png") });
        }
    }

    [GeneratedRegex(@"^\s*(log|sign) in\s*$", RegexOptions.IgnoreCase)]
    private static partial Regex SignInButtonName();

    [GeneratedRegex(@"\bSO-\d+\b")]
    private static partial Regex OrderNumber();
}
