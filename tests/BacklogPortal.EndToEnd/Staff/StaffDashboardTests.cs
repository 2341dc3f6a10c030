using System.Text.RegularExpressions;
using BacklogPortal.Data.Demo;
using BacklogPortal.EndToEnd.Infrastructure;

namespace BacklogPortal.EndToEnd.Staff;

public sealed class StaffDashboardTests(PortalServer server) : PortalTest(server)
{
    [Fact]
    public Task DashboardShowsTheDemoBacklogAndAFigureOpensItsLines() => InBrowserAsync(async page =>
    {
        await page.SignInAsync(DemoDataSeeder.StaffEmail, DemoDataSeeder.Password);
        await page.GotoAsync("staff");

        var dashboard = page.GetByTestId("staff-dashboard");
        await Expect(dashboard).ToHaveAttributeAsync("data-interactive", "true");
        var overdue = page.GetByTestId("overdue-lines");
        await Expect(overdue.Locator("[data-figure=value]")).ToHaveTextAsync(new Regex(@"^[1-9][\d,]*$"));
        await Expect(page.GetByTestId("top-skus").Locator("tbody tr")).Not.ToHaveCountAsync(0);
        await page.SaveScreenshotIfRequestedAsync("staff-dashboard");
        if (Environment.GetEnvironmentVariable("BACKLOGPORTAL_SCREENSHOTS") is { Length: > 0 } folder)
        {
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(folder, "staff-dashboard-full.png"), FullPage = true });
        }

        await overdue.ClickAsync();

        await Expect(page).ToHaveURLAsync(new Regex("/staff/lines\\?overdue=true$"));
        await Expect(page.GetByRole(AriaRole.Heading, new PageGetByRoleOptions { Level = 1 })).ToBeVisibleAsync();
    });
}
