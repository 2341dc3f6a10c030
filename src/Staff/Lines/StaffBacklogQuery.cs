using BacklogPortal.Data;
using BacklogPortal.Domain;
using Microsoft.EntityFrameworkCore;

namespace BacklogPortal.Staff.Lines;

/// <summary>Reads the whole open backlog for staff, across customers, one page at a time.</summary>
public sealed class StaffBacklogQuery(IDbContextFactory<PortalDbContext> dbFactory, TimeProvider clock)
{
    public const int MaxPageSize = 200;

    public async Task<StaffLinesResult> GetOpenLinesAsync(StaffLinesFilter filter, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);

        var lines = db.OrderLines.AsNoTracking()
            .Where(LineRules.IsOpen);
        if (filter.Kind is { } kind)
        {
            lines = lines.Where(l => l.Kind == kind);
        }
        if (filter.OverdueOnly)
        {
            lines = lines.Where(LineRules.IsOverdueOn(today));
        }
        if (filter.AwaitingConsentOnly)
        {
            lines = lines.Where(LineRules.AwaitsDecision);
        }
        if (!string.IsNullOrWhiteSpace(filter.Sku))
        {
            lines = lines.Where(TextSearch.AnyContains<OrderLine>(filter.Sku, l => l.Product!.Sku));
        }
        if (!string.IsNullOrWhiteSpace(filter.Customer))
        {
            var customerIds = db.Customers.Where(TextSearch.AnyContains<Customer>(filter.Customer, c => c.Name, c => c.Number)).Select(c => c.Id);
            lines = lines.Where(l => customerIds.Contains(l.CustomerId));
        }
        if (!string.IsNullOrWhiteSpace(filter.Order))
        {
            lines = lines.Where(TextSearch.AnyContains<OrderLine>(filter.Order, l => l.Order!.OrderNumber));
        }

        var total = await lines.CountAsync(cancellationToken);
        var pageSize = Math.Clamp(filter.PageSize, 1, MaxPageSize);
        var rows = await (
                from l in Sort(lines, filter.Sort, filter.Descending).Skip(Math.Max(filter.Page, 0) * pageSize).Take(pageSize)
                join c in db.Customers on l.CustomerId equals c.Id
                select new StaffLine(
                    l.Id,
                    l.Version,
                    c.Name,
                    c.Number,
                    l.Order!.OrderNumber,
                    l.LineNumber,
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

        return new StaffLinesResult(rows, total, today);
    }

    /// <summary>Products whose SKU or name contains the text, with their open line counts: the bulk change's SKU picker.</summary>
    public async Task<IReadOnlyList<SkuOption>> SearchSkusAsync(string? text, int limit = 20, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var products = db.Products.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(text))
        {
            products = products.Where(TextSearch.AnyContains<Product>(text, p => p.Sku, p => p.Name));
        }
        return await products
            .OrderBy(p => p.Sku)
            .Take(limit)
            .Select(p => new SkuOption(
                p.Sku,
                p.Name,
                db.OrderLines.Where(LineRules.IsOpen).Count(l => l.ProductId == p.Id)))
            .ToListAsync(cancellationToken);
    }

    // The stable tie-breaker (line id) keeps paging deterministic when many lines share a value.
    private static IQueryable<OrderLine> Sort(IQueryable<OrderLine> lines, StaffLinesSort sort, bool descending) => (sort, descending) switch
    {
        (StaffLinesSort.OrderNumber, false) => lines.OrderBy(l => l.Order!.OrderNumber).ThenBy(l => l.LineNumber),
        (StaffLinesSort.OrderNumber, true) => lines.OrderByDescending(l => l.Order!.OrderNumber).ThenBy(l => l.LineNumber),
        (StaffLinesSort.Sku, false) => lines.OrderBy(l => l.Product!.Sku).ThenBy(l => l.Id),
        (StaffLinesSort.Sku, true) => lines.OrderByDescending(l => l.Product!.Sku).ThenBy(l => l.Id),
        (StaffLinesSort.PromisedDate, false) => lines.OrderBy(l => l.PromisedDate).ThenBy(l => l.Id),
        (StaffLinesSort.PromisedDate, true) => lines.OrderByDescending(l => l.PromisedDate).ThenBy(l => l.Id),
        (StaffLinesSort.OpenQuantity, false) => lines.OrderBy(LineRules.OpenQuantityOf).ThenBy(l => l.Id),
        (StaffLinesSort.OpenQuantity, true) => lines.OrderByDescending(LineRules.OpenQuantityOf).ThenBy(l => l.Id),
        // Unknown ETAs sort last either way: there is no date to compare.
        (_, false) => lines.OrderBy(l => l.Eta == null).ThenBy(l => l.Eta).ThenBy(l => l.Id),
        (_, true) => lines.OrderBy(l => l.Eta == null).ThenByDescending(l => l.Eta).ThenBy(l => l.Id),
    };
}

public enum StaffLinesSort
{
    Eta,
    OrderNumber,
    Sku,
    PromisedDate,
    OpenQuantity,
}

public sealed record StaffLinesFilter(
    int Page = 0,
    int PageSize = 50,
    StaffLinesSort Sort = StaffLinesSort.Eta,
    bool Descending = false,
    string? Customer = null,
    string? Sku = null,
    string? Order = null,
    BacklogKind? Kind = null,
    bool OverdueOnly = false,
    bool AwaitingConsentOnly = false);

public sealed record StaffLinesResult(IReadOnlyList<StaffLine> Lines, int TotalCount, DateOnly Today);

public sealed record StaffLine(
    int LineId,
    long Version,
    string CustomerName,
    string CustomerNumber,
    string OrderNumber,
    int LineNumber,
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

    public bool AwaitsConsent => LineRules.AwaitsDecisionFor(Status, ConsentRequired, CustomerResponse);
}

public sealed record SkuOption(string Sku, string ProductName, int OpenLines)
{
    public override string ToString() => $"{Sku} · {ProductName}";
}
