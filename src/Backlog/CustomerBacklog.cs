using BacklogPortal.Data;

namespace BacklogPortal.Backlog;

/// <summary>
/// Reads one customer's open backlog lines. Every query is filtered by the customer id first, and
/// the id only ever comes from the signed-in user's claims: a customer cannot name another one.
/// </summary>
public sealed class CustomerBacklog(IDbContextFactory<PortalDbContext> dbFactory, TimeProvider clock)
{
    public const int MaxPageSize = BacklogView.MaxPageSize;

    /// <param name="knownTotals">
    /// The totals of the same filters, read with an earlier page: another page or sort of the same lines has the same
    /// totals, so only the page is read (the aggregate reads every matching row; the page, an index).
    /// </param>
    public async Task<BacklogResult> GetOpenLinesAsync(int customerId, BacklogView view, BacklogTotals? knownTotals = null, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var today = await TodayForAsync(db, customerId, cancellationToken);
        var lines = Matching(db, customerId, view, today);

        // One aggregate for the count and the totals of every matching line, not only the page's.
        var totals = knownTotals ?? await lines
            .GroupBy(l => 1)
            .Select(g => new BacklogTotals(
                g.Count(),
                g.Sum(l => l.QuantityOrdered - l.QuantityShipped - l.QuantityCancelled),
                g.Sum(l => (double)(l.QuantityOrdered - l.QuantityShipped - l.QuantityCancelled) * (double)l.UnitPrice)))
            .SingleOrDefaultAsync(cancellationToken) ?? BacklogTotals.None;

        var pageSize = Math.Clamp(view.PageSize, 1, MaxPageSize);
        // Two steps: pick the page's line ids on the narrow lines table (the sort then touches only
        // what it needs), then read the rows with their order and product. Joining first would
        // join every open line of the customer just to throw all but one page away.
        var pageIds = await Sorted(lines, view, today)
            .Skip(view.Skip)
            .Take(pageSize)
            .Select(l => l.Id)
            .ToListAsync(cancellationToken);
        var rows = await ReadLinesAsync(db, customerId, pageIds, cancellationToken);
        return new BacklogResult(rows, totals.Lines, today) { Totals = totals with { Value = Math.Round(totals.Value, 2) } };
    }

    /// <summary>
    /// The lines of <paramref name="lineIds"/> that belong to the customer, in the order given: what a live
    /// update re-reads after a change. Ids of another customer's lines find nothing.
    /// </summary>
    public async Task<IReadOnlyList<BacklogLine>> GetLinesAsync(int customerId, IReadOnlyCollection<int> lineIds, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await ReadLinesAsync(db, customerId, [.. lineIds], cancellationToken);
    }

    /// <summary>
    /// The customer's open lines that <paramref name="view"/>'s filters select (not paged, not sorted), for
    /// features that show the same lines another way (the CSV export).
    /// </summary>
    public static IQueryable<OrderLine> Matching(PortalDbContext db, int customerId, BacklogView view, DateOnly today)
    {
        var lines = db.OrderLines.AsNoTracking()
            .Where(l => l.CustomerId == customerId)
            .Where(LineRules.IsOpen);
        if (view.Kind is { } kind)
        {
            lines = lines.Where(l => l.Kind == kind);
        }
        if (view.OverdueOnly)
        {
            lines = lines.Where(LineRules.IsOverdueOn(today));
        }
        if (view.AwaitingDecisionOnly)
        {
            lines = lines.Where(LineRules.AwaitsDecision);
        }
        if (!string.IsNullOrWhiteSpace(view.Search))
        {
            lines = lines.Where(TextSearch.AnyContains<OrderLine>(view.Search, l => l.Order!.OrderNumber, l => l.Product!.Sku, l => l.Product!.Name));
        }
        return lines;
    }

    /// <summary>The lines in the view's order; every order ends with a unique tie-breaker, so pages never overlap.</summary>
    public static IOrderedQueryable<OrderLine> Sorted(IQueryable<OrderLine> lines, BacklogView view, DateOnly today)
    {
        var descending = view.Descending;
        return view.Sort switch
        {
            BacklogSort.OrderNumber => lines.ByOrderNumber(descending),
            BacklogSort.OrderDate => lines.By(l => l.Order!.OrderDate, descending),
            BacklogSort.Product => lines.By(l => l.Product!.Name, descending),
            BacklogSort.Kind => lines.By(l => l.Kind, descending),
            BacklogSort.PromisedDate => lines.By(l => l.PromisedDate, descending),
            BacklogSort.OpenQuantity => lines.By(LineRules.OpenQuantityOf, descending),
            BacklogSort.DateMoved => lines.By(l => l.EtaChangeCount, descending),
            BacklogSort.Status => lines.By(LineState.StatusRankOn(today), descending),
            _ => lines.ByEta(descending),
        };
    }

    public async Task<string?> GetCustomerNameAsync(int customerId, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.Customers.Where(c => c.Id == customerId).Select(c => c.Name).SingleOrDefaultAsync(cancellationToken);
    }

    /// <summary>"Today" where the customer is (their time zone), which decides what is overdue.</summary>
    public async Task<DateOnly> TodayForAsync(PortalDbContext db, int customerId, CancellationToken cancellationToken = default)
    {
        var zoneId = await db.Customers.Where(c => c.Id == customerId).Select(c => c.TimeZoneId).SingleOrDefaultAsync(cancellationToken);
        return CustomerLocale.TodayIn(CustomerLocale.ZoneFor(zoneId), clock.GetUtcNow());
    }

    private static async Task<IReadOnlyList<BacklogLine>> ReadLinesAsync(PortalDbContext db, int customerId, List<int> lineIds, CancellationToken cancellationToken)
    {
        if (lineIds.Count == 0)
        {
            return [];
        }
        var rows = await db.OrderLines.AsNoTracking()
            .Where(l => l.CustomerId == customerId && lineIds.Contains(l.Id))
            .Select(LineState.Of.With((l, state) => new BacklogLine(
                l.Id,
                l.Order!.OrderNumber,
                l.Order.OrderDate,
                l.Product!.Sku,
                l.Product.Name,
                state)))
            .ToListAsync(cancellationToken);
        var position = lineIds.Select((id, index) => (id, index)).ToDictionary(p => p.id, p => p.index);
        rows.Sort((a, b) => position[a.LineId].CompareTo(position[b.LineId]));
        return rows;
    }
}

/// <param name="Lines">Matching lines.</param>
/// <param name="Units">Open units of the matching lines.</param>
/// <param name="Value">Open units × unit price, in the orders' currency.</param>
public sealed record BacklogTotals(int Lines, int Units, double Value)
{
    public static readonly BacklogTotals None = new(0, 0, 0);
}

public sealed record BacklogResult(IReadOnlyList<BacklogLine> Lines, int TotalCount, DateOnly Today)
{
    public BacklogTotals Totals { get; init; } = BacklogTotals.None;
}

/// <summary>One line of the customer's backlog: which order and product, and where it stands.</summary>
public sealed record BacklogLine(int LineId, string OrderNumber, DateOnly OrderDate, string Sku, string ProductName, LineState State);
