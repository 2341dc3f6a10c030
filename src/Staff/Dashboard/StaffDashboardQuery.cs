using BacklogPortal.Data;

namespace BacklogPortal.Staff.Dashboard;

/// <summary>
/// Every figure of the backlog dashboard, computed in the database with a few grouped aggregate
/// queries (no line is loaded): the backlog's size, age and slippage from the running totals the
/// database keeps (decision 016), customers and recent activity from indexed ranges. Each figure carries the <see cref="StaffLinesFilter"/> that selects
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
        var customersTask = CustomersWaitingAsync(cancellationToken);
        var agingTask = AgingAsync(today, cancellationToken);
        var topSkusTask = TopSkusAsync(cancellationToken);
        var recentTask = RecentActivityAsync(recentSince, cancellationToken);
        var trendTask = TrendAsync(trendStart, cancellationToken);
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
        // Sums over the running totals the database keeps (decision 016), not over the lines: a few
        // thousand rows whatever the size of the backlog. The tests hold each figure against
        // StaffLinesFilter's count of the lines behind it.
        var totals = await db.Set<BacklogProductFigures>()
            .GroupBy(f => f.Kind)
            .Select(g => new
            {
                Kind = g.Key,
                Lines = g.Sum(f => f.Lines),
                Units = g.Sum(f => f.Units),
                ValueCents = g.Sum(f => f.ValueCents),
                Awaiting = g.Sum(f => f.AwaitingDecision),
            })
            .ToListAsync(cancellationToken);
        var dates = await db.Set<BacklogEtaFigures>()
            .Where(f => f.Lines > 0)
            .GroupBy(f => f.Kind)
            .Select(g => new
            {
                Kind = g.Key,
                Overdue = g.Sum(f => f.Eta < today ? f.Lines : 0),
                LateLines = g.Sum(f => f.LateDays > 0 ? f.Lines : 0),
                LateDays = g.Sum(f => f.LateDays * f.Lines),
                Worst = g.Max(f => f.LateDays > 0 ? (int?)f.LateDays : null),
            })
            .ToListAsync(cancellationToken);
        return [.. totals.Select(t => dates.FirstOrDefault(d => d.Kind == t.Kind) is { } d
            ? new KindFigures(t.Kind, t.Lines, t.Units, t.ValueCents / 100.0, d.Overdue, t.Awaiting, d.LateLines, d.LateDays, d.Worst)
            : new KindFigures(t.Kind, t.Lines, t.Units, t.ValueCents / 100.0, 0, t.Awaiting, 0, 0, null))];
    }

    private async Task<(int All, int Backorder, int PreOrder)> CustomersWaitingAsync(CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var waiting = db.Set<BacklogCustomerFigures>().Where(f => f.Lines > 0);
        var all = await waiting.Select(f => f.CustomerId).Distinct().CountAsync(cancellationToken);
        var byKind = await waiting.GroupBy(f => f.Kind).Select(g => new { g.Key, Customers = g.Count() }).ToListAsync(cancellationToken);
        int For(BacklogKind kind) => byKind.FirstOrDefault(k => k.Key == kind)?.Customers ?? 0;
        return (all, For(BacklogKind.Backorder), For(BacklogKind.PreOrder));
    }

    private async Task<IReadOnlyList<AgingFigures>> AgingAsync(DateOnly today, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        // A bucket is a range of order dates: the newest day of each bucket after the first.
        var week = today.AddDays(-AgingBuckets[1].From + 1);
        var month = today.AddDays(-AgingBuckets[2].From + 1);
        var twoMonths = today.AddDays(-AgingBuckets[3].From + 1);
        var rows = await db.Set<BacklogOrderDateFigures>()
            .Select(f => new
            {
                Bucket = f.OrderDate >= week ? 0 : f.OrderDate >= month ? 1 : f.OrderDate >= twoMonths ? 2 : 3,
                f.Lines,
                f.Units,
            })
            .GroupBy(f => f.Bucket)
            .Select(g => new { g.Key, Lines = g.Sum(f => f.Lines), Units = g.Sum(f => f.Units) })
            .ToListAsync(cancellationToken);
        return [.. AgingBuckets.Select((bucket, index) =>
        {
            var row = rows.FirstOrDefault(r => r.Key == index);
            return new AgingFigures(bucket.From, bucket.To, row?.Lines ?? 0, row?.Units ?? 0);
        })];
    }

    private async Task<IReadOnlyList<SkuDemand>> TopSkusAsync(CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var top = db.Set<BacklogProductFigures>()
            .GroupBy(f => f.ProductId)
            .Select(g => new { ProductId = g.Key, Lines = g.Sum(f => f.Lines), Units = g.Sum(f => f.Units) })
            .Where(g => g.Lines > 0)
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
        DateOnly since, CancellationToken cancellationToken)
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

    private async Task<IReadOnlyList<SlippageWeek>> TrendAsync(DateOnly start, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        // At most 8 rows a day (EtaChangeDayFigures): the weeks are summed here.
        var days = await db.Set<EtaChangeDayFigures>().AsNoTracking()
            .Where(f => f.Day >= start)
            .ToListAsync(cancellationToken);
        return [.. Enumerable.Range(0, TrendWeeks).Select(i =>
        {
            var weekStart = start.AddDays(7 * i);
            var weekEnd = weekStart.AddDays(6);
            var week = days.Where(f => f.Day >= weekStart && f.Day <= weekEnd).ToList();
            // A change is its line's first of the week when the line's previous change lies before the week.
            var lines = week.Where(f => f.DaysSincePrevious > f.Day.DayNumber - weekStart.DayNumber).Sum(f => f.Changes);
            var dated = week.Sum(f => f.DatedChanges);
            return new SlippageWeek(weekStart, weekEnd, lines,
                dated == 0 ? null : Math.Round((double)week.Sum(f => f.SlipDays) / dated, 1),
                week.Max(f => f.WorstSlipDays));
        })];
    }

    private static int? Max(int? a, int? b) => a is null ? b : b is null ? a : Math.Max(a.Value, b.Value);

    private sealed record KindFigures(
        BacklogKind Kind, int Lines, int Units, double Value, int Overdue, int AwaitingDecision,
        int LateLines, int LateDays, int? WorstDays);
}
