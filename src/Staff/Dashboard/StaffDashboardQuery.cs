using BacklogPortal.Data;

namespace BacklogPortal.Staff.Dashboard;

/// <summary>
/// Every figure of the backlog dashboard, computed in the database with a few grouped aggregate
/// queries (no line is loaded). Each figure carries the <see cref="StaffLinesFilter"/> that selects
/// exactly the lines behind it, and every set below is that filter's set: open lines are the default
/// filter's lines, an aging bucket is its ageFrom–ageTo range, and so on.
/// </summary>
public sealed class StaffDashboardQuery(IDbContextFactory<PortalDbContext> dbFactory, TimeProvider clock)
{
    public const int TopSkuCount = 10;
    public const int TrendWeeks = 12;
    public const int RecentDays = 7;

    /// <summary>The aging buckets (days since the order date, inclusive); the last one is open-ended.</summary>
    public static readonly IReadOnlyList<(int From, int? To)> AgingBuckets = [(0, 7), (8, 30), (31, 60), (61, null)];

    public async Task<StaffDashboard> GetAsync(CancellationToken cancellationToken = default)
    {
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        var recentSince = today.AddDays(-(RecentDays - 1));
        var trendStart = today.AddDays(-(TrendWeeks * 7 - 1));

        // Independent reads on connections of their own: on SQLite (WAL) they run side by side.
        var byKindTask = ByKindAsync(today, cancellationToken);
        var customersTask = CustomersWaitingAsync(today, cancellationToken);
        var agingTask = AgingAsync(today, cancellationToken);
        var topSkusTask = TopSkusAsync(today, cancellationToken);
        var recentTask = RecentActivityAsync(today, recentSince, cancellationToken);
        var trendTask = TrendAsync(today, trendStart, cancellationToken);
        await Task.WhenAll(byKindTask, customersTask, agingTask, topSkusTask, recentTask, trendTask);

        var byKind = await byKindTask;
        var recent = await recentTask;
        var customers = await customersTask;
        KindFigures For(BacklogKind kind) => byKind.FirstOrDefault(k => k.Kind == kind) ?? new KindFigures(kind, 0, 0, 0, 0, 0, 0, 0, null);
        var backorders = For(BacklogKind.Backorder);
        var preOrders = For(BacklogKind.PreOrder);
        var lateLines = backorders.LateLines + preOrders.LateLines;

        return new StaffDashboard(
            today,
            new BacklogTotals(backorders.Lines + preOrders.Lines, backorders.Units + preOrders.Units, backorders.Value + preOrders.Value, customers.All),
            [
                new KindTotals(BacklogKind.Backorder, new BacklogTotals(backorders.Lines, backorders.Units, backorders.Value, customers.Backorder)),
                new KindTotals(BacklogKind.PreOrder, new BacklogTotals(preOrders.Lines, preOrders.Units, preOrders.Value, customers.PreOrder)),
            ],
            await agingTask,
            backorders.Overdue + preOrders.Overdue,
            backorders.AwaitingDecision + preOrders.AwaitingDecision,
            new Slippage(
                lateLines,
                lateLines == 0 ? null : Math.Round((double)(backorders.LateDays + preOrders.LateDays) / lateLines, 1),
                Max(backorders.WorstDays, preOrders.WorstDays)),
            await trendTask,
            await topSkusTask,
            recent.Answers,
            recent.Changes,
            recentSince);
    }

    private async Task<List<KindFigures>> ByKindAsync(DateOnly today, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        // One pass over the open lines. The conditions restate LineRules (IsOverdueOn, AwaitsDecision,
        // OpenQuantityOf) inside the aggregate, where an expression cannot be spliced in; the tests
        // count each figure again through StaffLinesFilter, which uses LineRules itself.
        return await OpenLines(db, today)
            .Select(l => new
            {
                l.Kind,
                l.CustomerId,
                Units = l.QuantityOrdered - l.QuantityShipped - l.QuantityCancelled,
                l.UnitPrice,
                Overdue = l.Eta != null && l.Eta < today,
                Awaiting = l.ConsentRequired && l.CustomerResponse == CustomerResponse.None,
                Slip = l.PromisedDate != null && l.Eta != null ? l.Eta.Value.DayNumber - l.PromisedDate.Value.DayNumber : 0,
            })
            .GroupBy(l => l.Kind)
            .Select(g => new KindFigures(
                g.Key,
                g.Count(),
                g.Sum(l => l.Units),
                g.Sum(l => (double)l.UnitPrice * l.Units),
                g.Count(l => l.Overdue),
                g.Count(l => l.Awaiting),
                g.Count(l => l.Slip > 0),
                g.Sum(l => l.Slip > 0 ? l.Slip : 0),
                g.Max(l => l.Slip > 0 ? (int?)l.Slip : null)))
            .ToListAsync(cancellationToken);
    }

    private async Task<(int All, int Backorder, int PreOrder)> CustomersWaitingAsync(DateOnly today, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        // The distinct count walks the (customer, status) index; per kind, one probe per customer is
        // cheaper than collecting distinct customers over every open line.
        var all = await OpenLines(db, today).Select(l => l.CustomerId).Distinct().CountAsync(cancellationToken);
        var backorder = await CustomersWithOpenLinesAsync(db, today, BacklogKind.Backorder, cancellationToken);
        var preOrder = await CustomersWithOpenLinesAsync(db, today, BacklogKind.PreOrder, cancellationToken);
        return (all, backorder, preOrder);
    }

    private static Task<int> CustomersWithOpenLinesAsync(PortalDbContext db, DateOnly today, BacklogKind kind, CancellationToken cancellationToken)
    {
        var lines = new StaffLinesFilter { Kind = kind }.Apply(db.OrderLines, db, today);
        return db.Customers.CountAsync(c => lines.Any(l => l.CustomerId == c.Id), cancellationToken);
    }

    private async Task<IReadOnlyList<AgingFigures>> AgingAsync(DateOnly today, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        // A bucket is a range of order dates: the newest day of each bucket after the first.
        var week = today.AddDays(-AgingBuckets[1].From + 1);
        var month = today.AddDays(-AgingBuckets[2].From + 1);
        var twoMonths = today.AddDays(-AgingBuckets[3].From + 1);
        var rows = await OpenLines(db, today)
            .Select(l => new
            {
                Bucket = l.Order!.OrderDate >= week ? 0 : l.Order.OrderDate >= month ? 1 : l.Order.OrderDate >= twoMonths ? 2 : 3,
                Units = l.QuantityOrdered - l.QuantityShipped - l.QuantityCancelled,
            })
            .GroupBy(l => l.Bucket)
            .Select(g => new { g.Key, Lines = g.Count(), Units = g.Sum(l => l.Units) })
            .ToListAsync(cancellationToken);
        return [.. AgingBuckets.Select((bucket, index) =>
        {
            var row = rows.FirstOrDefault(r => r.Key == index);
            return new AgingFigures(bucket.From, bucket.To, row?.Lines ?? 0, row?.Units ?? 0);
        })];
    }

    private async Task<IReadOnlyList<SkuDemand>> TopSkusAsync(DateOnly today, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var top = OpenLines(db, today)
            .GroupBy(l => l.ProductId)
            .Select(g => new
            {
                ProductId = g.Key,
                Lines = g.Count(),
                Units = g.Sum(l => l.QuantityOrdered - l.QuantityShipped - l.QuantityCancelled),
            })
            .OrderByDescending(g => g.Units)
            .ThenBy(g => g.ProductId)
            .Take(TopSkuCount);
        return await (
                from t in top
                join p in db.Products on t.ProductId equals p.Id
                orderby t.Units descending, t.ProductId
                select new SkuDemand(p.Sku, p.Name, t.Lines, t.Units))
            .ToListAsync(cancellationToken);
    }

    private async Task<(IReadOnlyList<AnswerFigures> Answers, IReadOnlyList<SourceFigures> Changes)> RecentActivityAsync(
        DateOnly today, DateOnly since, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var from = StaffLinesFilter.StartOfUtcDay(since);
        var answers = await db.OrderLines.AsNoTracking()
            .Where(l => l.CustomerRespondedAt >= from && l.CustomerResponse != CustomerResponse.None)
            .GroupBy(l => l.CustomerResponse)
            .Select(g => new { g.Key, Lines = g.Count() })
            .ToListAsync(cancellationToken);
        var changes = await db.EtaChanges.AsNoTracking()
            .Where(c => c.ChangedAt >= from)
            .GroupBy(c => c.Source)
            .Select(g => new { g.Key, Changes = g.Count(), Lines = g.Select(c => c.OrderLineId).Distinct().Count() })
            .ToListAsync(cancellationToken);
        return (
            [.. new[] { CustomerResponse.AcceptedNewDate, CustomerResponse.CancelledOpenQuantity }
                .Select(answer => new AnswerFigures(answer, answers.FirstOrDefault(a => a.Key == answer)?.Lines ?? 0))],
            [.. new[] { ChangeSource.Staff, ChangeSource.Import, ChangeSource.Api }
                .Select(source => changes.FirstOrDefault(c => c.Key == source) is { } row
                    ? new SourceFigures(source, row.Changes, row.Lines)
                    : new SourceFigures(source, 0, 0))]);
    }

    private async Task<IReadOnlyList<SlippageWeek>> TrendAsync(DateOnly today, DateOnly start, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        // Week i (0 = oldest) runs from start + 7i to start + 7i + 6: its first instant is bounds[i].
        var bounds = Enumerable.Range(0, TrendWeeks).Select(i => StaffLinesFilter.StartOfUtcDay(start.AddDays(7 * i))).ToArray();
        var rows = await (
                from c in db.EtaChanges.AsNoTracking()
                where c.ChangedAt >= bounds[0]
                join l in db.OrderLines on c.OrderLineId equals l.Id
                select new
                {
                    Week = c.ChangedAt >= bounds[11] ? 11 : c.ChangedAt >= bounds[10] ? 10 : c.ChangedAt >= bounds[9] ? 9
                        : c.ChangedAt >= bounds[8] ? 8 : c.ChangedAt >= bounds[7] ? 7 : c.ChangedAt >= bounds[6] ? 6
                        : c.ChangedAt >= bounds[5] ? 5 : c.ChangedAt >= bounds[4] ? 4 : c.ChangedAt >= bounds[3] ? 3
                        : c.ChangedAt >= bounds[2] ? 2 : c.ChangedAt >= bounds[1] ? 1 : 0,
                    c.OrderLineId,
                    Slip = c.NewEta != null && l.PromisedDate != null ? c.NewEta.Value.DayNumber - l.PromisedDate.Value.DayNumber : (int?)null,
                })
            .GroupBy(c => c.Week)
            .Select(g => new
            {
                g.Key,
                Lines = g.Select(c => c.OrderLineId).Distinct().Count(),
                Average = g.Average(c => (double?)c.Slip),
                Worst = g.Max(c => c.Slip),
            })
            .ToListAsync(cancellationToken);
        return [.. Enumerable.Range(0, TrendWeeks).Select(i =>
        {
            var row = rows.FirstOrDefault(r => r.Key == i);
            var weekStart = start.AddDays(7 * i);
            return new SlippageWeek(weekStart, weekStart.AddDays(6), row?.Lines ?? 0,
                row?.Average is { } average ? Math.Round(average, 1) : null, row?.Worst);
        })];
    }

    private static IQueryable<OrderLine> OpenLines(PortalDbContext db, DateOnly today) =>
        new StaffLinesFilter().Apply(db.OrderLines.AsNoTracking(), db, today);

    private static int? Max(int? a, int? b) => a is null ? b : b is null ? a : Math.Max(a.Value, b.Value);

    private sealed record KindFigures(
        BacklogKind Kind, int Lines, int Units, double Value, int Overdue, int AwaitingDecision,
        int LateLines, int LateDays, int? WorstDays);
}
