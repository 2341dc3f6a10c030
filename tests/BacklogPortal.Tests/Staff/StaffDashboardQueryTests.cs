using BacklogPortal.Domain;
using BacklogPortal.Staff;
using BacklogPortal.Staff.Dashboard;
using BacklogPortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;

namespace BacklogPortal.Tests.Staff;

public sealed class StaffDashboardQueryTests : IAsyncLifetime
{
    private TestDatabase database = default!;
    private StaffDashboard dashboard = default!;

    public async Task InitializeAsync()
    {
        database = await TestDatabase.CreateAsync();
        await DashboardTestData.SeedAsync(database);
        dashboard = await new StaffDashboardQuery(database, new FakeTimeProvider(DashboardTestData.Now)).GetAsync();
    }

    public async Task DisposeAsync() => await database.DisposeAsync();

    [Fact]
    public void OpenBacklogIsCountedByKind()
    {
        Assert.Equal(new BacklogTotals(Lines: 4, Units: 20, Value: 300, Customers: 2), dashboard.Open);
        Assert.Equal(
            [new KindTotals(BacklogKind.Backorder, new(2, 10, 100, 1)), new KindTotals(BacklogKind.PreOrder, new(2, 10, 200, 2))],
            dashboard.ByKind);
    }

    [Fact]
    public void AgingOverdueDecisionsAndSlippageMatchTheSeededLines()
    {
        Assert.Equal([(2, 10), (1, 5), (0, 0), (1, 5)], dashboard.Aging.Select(a => (a.Lines, a.Units)).ToArray());
        Assert.Equal(["0–7 days", "8–30 days", "31–60 days", "over 60 days"], dashboard.Aging.Select(a => a.Label).ToArray());
        Assert.Equal(1, dashboard.OverdueLines);
        Assert.Equal(1, dashboard.AwaitingDecision);
        Assert.Equal(new Slippage(LateLines: 2, AverageDays: 16.0, WorstDays: 20), dashboard.Slippage);
    }

    [Fact]
    public void TopSkusRecentAnswersAndChangesMatchTheSeededLines()
    {
        Assert.Equal([("KB-1", 2, 10), ("MS-1", 2, 10)], dashboard.TopSkus.Select(s => (s.Sku, s.Lines, s.Units)).ToArray());
        Assert.Equal([(CustomerResponse.AcceptedNewDate, 1), (CustomerResponse.CancelledOpenQuantity, 1)],
            dashboard.RecentAnswers.Select(a => (a.Answer, a.Lines)).ToArray());
        Assert.Equal([(ChangeSource.Staff, 1, 1), (ChangeSource.Import, 1, 1), (ChangeSource.Api, 0, 0)],
            dashboard.RecentChanges.Select(c => (c.Source, c.Changes, c.Lines)).ToArray());
    }

    [Fact]
    public void SlippageTrendHasTwelveWeeksEndingToday()
    {
        Assert.Equal(12, dashboard.SlippageTrend.Count);
        Assert.Equal((new DateOnly(2026, 9, 4), new DateOnly(2026, 11, 26)), (dashboard.SlippageTrend[0].From, dashboard.SlippageTrend[^1].To));
        var weeks = dashboard.SlippageTrend.Where(w => w.Lines > 0).Select(w => (w.From, w.Lines, w.AverageDays, w.WorstDays)).ToArray();
        Assert.Equal([(new DateOnly(2026, 11, 6), 1, (double?)-2.0, (int?)-2), (new DateOnly(2026, 11, 20), 2, 16.0, 20)], weeks);
    }

    [Fact]
    public async Task EveryFigureLinksToExactlyItsLines()
    {
        var links = new List<(string Figure, StaffLinesFilter Filter, int Expected)>
        {
            ("open lines", StaffDashboard.OpenLines, dashboard.Open.Lines),
            ("overdue", StaffDashboard.OverdueFilter, dashboard.OverdueLines),
            ("awaiting decision", StaffDashboard.AwaitingDecisionFilter, dashboard.AwaitingDecision),
            ("late lines", StaffDashboard.LateFilter, dashboard.Slippage.LateLines),
            ("worst slip", dashboard.WorstSlipFilter, 1),
        };
        links.AddRange(dashboard.ByKind.Select(k => ($"kind {k.Kind}", k.Filter, k.Totals.Lines)));
        links.AddRange(dashboard.Aging.Select(a => ($"age {a.Label}", a.Filter, a.Lines)));
        links.AddRange(dashboard.TopSkus.Select(s => ($"SKU {s.Sku}", s.Filter, s.Lines)));
        links.AddRange(dashboard.RecentAnswers.Select(a => ($"answer {a.Answer}", dashboard.AnswerFilter(a.Answer), a.Lines)));
        links.AddRange(dashboard.RecentChanges.Select(c => ($"source {c.Source}", dashboard.ChangesFilter(c.Source), c.Lines)));
        links.AddRange(dashboard.SlippageTrend.Select(w => ($"week {w.From}", w.Filter, w.Lines)));
        Assert.Equal(30, links.Count);

        await using var db = database.CreateDbContext();
        foreach (var (figure, filter, expected) in links)
        {
            // The link as the browser follows it: through the query string.
            var parsed = StaffLinesFilter.Parse(filter.ToQueryString());
            Assert.True(expected == await parsed.Apply(db.OrderLines, db, DashboardTestData.Today).CountAsync(), $"{figure}: {filter.ToUrl()}");
        }
    }
}
