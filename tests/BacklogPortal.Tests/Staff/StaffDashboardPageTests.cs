using BacklogPortal.Domain;
using BacklogPortal.Staff;
using BacklogPortal.Staff.Dashboard;
using BacklogPortal.Tests.Infrastructure;
using Bunit;
using Microsoft.Extensions.DependencyInjection;

namespace BacklogPortal.Tests.Staff;

public sealed class StaffDashboardPageTests : PortalComponentTestContext
{
    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        Clock.SetUtcNow(DashboardTestData.Now);
        await DashboardTestData.SeedAsync(Database);
        Services.AddSingleton(new StaffDashboardQuery(Database, Clock));
        Authorization.SetAuthorized("staff@example.com");
        Authorization.SetRoles(Roles.Staff);
    }

    [Fact]
    public void HeadlineFiguresShowTheBacklogAndLinkToTheirLines()
    {
        var page = RenderInteractive<StaffDashboardPage>();

        var overdue = page.WaitForElement("[data-testid=overdue-lines]");
        Assert.Equal("1", overdue.QuerySelector("[data-figure=value]")!.TextContent.Trim());
        Assert.Equal("/staff/lines?overdue=true", overdue.GetAttribute("href"));
        Assert.Equal("4", Figure(page, "open-lines"));
        Assert.Equal("20", Figure(page, "open-units"));
        Assert.Equal("300.00", Figure(page, "open-value"));
        Assert.Equal("2", Figure(page, "customers-waiting"));
        Assert.Equal("/staff/lines?decision=awaiting", page.Find("[data-testid=awaiting-decision]").GetAttribute("href"));
        Assert.Equal("/staff/lines?slipFrom=20", page.Find("[data-testid=worst-slip]").GetAttribute("href"));
    }

    [Fact]
    public void TablesBesideTheChartsLinkEveryNumber()
    {
        var page = RenderInteractive<StaffDashboardPage>();

        var aging = page.WaitForElement("[data-testid=aging]");
        var agingLinks = aging.QuerySelectorAll("a[data-figure=lines]").Select(a => (a.TextContent, a.GetAttribute("href"))).ToArray();
        Assert.Equal(
            [("2", "/staff/lines?ageTo=7"), ("1", "/staff/lines?ageFrom=8&ageTo=30"), ("0", "/staff/lines?ageFrom=31&ageTo=60"), ("1", "/staff/lines?ageFrom=61")],
            agingLinks);
        var sku = page.Find("[data-testid=top-skus] tr[data-sku='KB-1'] a[data-figure=units]");
        Assert.Equal(("10", "/staff/lines?sku=KB-1"), (sku.TextContent, sku.GetAttribute("href")));
        var import = page.Find("[data-testid=recent-changes] tr[data-source=Import] a[data-figure=lines]");
        Assert.Equal(("1", "/staff/lines?status=all&source=import&changedFrom=2026-11-20"), (import.TextContent, import.GetAttribute("href")));
        var cancelled = page.Find("[data-testid=recent-answers] tr[data-answer=CancelledOpenQuantity] a");
        Assert.Equal(("1", "/staff/lines?status=answered&answer=cancelled&answeredFrom=2026-11-20"), (cancelled.TextContent, cancelled.GetAttribute("href")));
        Assert.Equal(12, page.FindAll("[data-testid=slippage-trend] tbody tr").Count);
    }

    private static string Figure(IRenderedComponent<StaffDashboardPage> page, string testId) =>
        page.Find($"[data-testid={testId}] [data-figure=value]").TextContent.Trim();
}
