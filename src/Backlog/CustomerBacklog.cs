using BacklogPortal.Data;
using BacklogPortal.Domain;
using Microsoft.EntityFrameworkCore;

namespace BacklogPortal.Backlog;

/// <summary>
/// Reads one customer's open backlog lines. Every query is filtered by the customer id first, and
/// the id only ever comes from the signed-in user's claims: a customer cannot name another one.
/// </summary>
public sealed class CustomerBacklog(IDbContextFactory<PortalDbContext> dbFactory, TimeProvider clock)
{
    public const int MaxPageSize = 200;

    public async Task<BacklogResult> GetOpenLinesAsync(int customerId, BacklogQuery query, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var today = Today;

        var lines = db.OrderLines.AsNoTracking()
            .Where(l => l.CustomerId == customerId)
            .Where(LineRules.IsOpen);

        if (query.Kind is { } kind)
        {
            lines = lines.Where(l => l.Kind == kind);
        }
        if (query.OverdueOnly)
        {
            lines = lines.Where(LineRules.IsOverdueOn(today));
        }
        if (!string.IsNullOrWhiteSpace(query.Search))
        {
            lines = lines.Where(TextSearch.AnyContains<OrderLine>(query.Search, l => l.Order!.OrderNumber, l => l.Product!.Sku, l => l.Product!.Name));
        }

        var total = await lines.CountAsync(cancellationToken);
        var pageSize = Math.Clamp(query.PageSize, 1, MaxPageSize);
        // Two steps: pick the page's line ids on the narrow lines table (the sort then touches only
        // what it needs), then read the 50 rows with their order and product. Joining first would
        // join every open line of the customer just to throw all but 50 away.
        var pageIds = await Sort(lines, query.Sort, query.Descending)
            .Skip(Math.Max(query.Page, 0) * pageSize)
            .Take(pageSize)
            .Select(l => l.Id)
            .ToListAsync(cancellationToken);
        var rows = await db.OrderLines.AsNoTracking()
            .Where(l => l.CustomerId == customerId && pageIds.Contains(l.Id))
            .Select(l => new BacklogLine(
                l.Id,
                l.Order!.OrderNumber,
                l.Order.OrderDate,
                l.Product!.Sku,
                l.Product.Name,
                l.Kind,
                l.QuantityOrdered,
                l.QuantityShipped,
                l.QuantityCancelled,
                l.PromisedDate,
                l.Eta,
                l.EtaChangeCount,
                l.Status,
                l.ConsentRequired,
                l.CustomerResponse))
            .ToListAsync(cancellationToken);
        var position = pageIds.Select((id, index) => (id, index)).ToDictionary(p => p.id, p => p.index);
        rows.Sort((a, b) => position[a.LineId].CompareTo(position[b.LineId]));

        return new BacklogResult(rows, total, today);
    }

    public async Task<string?> GetCustomerNameAsync(int customerId, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.Customers.Where(c => c.Id == customerId).Select(c => c.Name).SingleOrDefaultAsync(cancellationToken);
    }

    private DateOnly Today => DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);

    private static IQueryable<OrderLine> Sort(IQueryable<OrderLine> lines, BacklogSort sort, bool descending) => sort switch
    {
        BacklogSort.OrderNumber => lines.ByOrderNumber(descending),
        BacklogSort.OrderDate => lines.By(l => l.Order!.OrderDate, descending),
        BacklogSort.Product => lines.By(l => l.Product!.Name, descending),
        BacklogSort.PromisedDate => lines.By(l => l.PromisedDate, descending),
        BacklogSort.OpenQuantity => lines.By(LineRules.OpenQuantityOf, descending),
        _ => lines.ByEta(descending),
    };
}

public enum BacklogSort
{
    Eta,
    OrderNumber,
    OrderDate,
    Product,
    PromisedDate,
    OpenQuantity,
}

public sealed record BacklogQuery(
    int Page = 0,
    int PageSize = 50,
    BacklogSort Sort = BacklogSort.Eta,
    bool Descending = false,
    string? Search = null,
    BacklogKind? Kind = null,
    bool OverdueOnly = false);

public sealed record BacklogResult(IReadOnlyList<BacklogLine> Lines, int TotalCount, DateOnly Today);

public sealed record BacklogLine(
    int LineId,
    string OrderNumber,
    DateOnly OrderDate,
    string Sku,
    string ProductName,
    BacklogKind Kind,
    int QuantityOrdered,
    int QuantityShipped,
    int QuantityCancelled,
    DateOnly? PromisedDate,
    DateOnly? Eta,
    int EtaChangeCount,
    LineStatus Status,
    bool ConsentRequired,
    CustomerResponse CustomerResponse)
{
    public int QuantityOpen => LineRules.OpenQuantity(QuantityOrdered, QuantityShipped, QuantityCancelled);

    /// <summary>Days the current ETA lies after the promised date (negative: earlier).</summary>
    public int? SlipDays => LineRules.SlipDays(PromisedDate, Eta);

    public bool IsOverdueOn(DateOnly today) => LineRules.IsOverdue(Eta, today);
}
