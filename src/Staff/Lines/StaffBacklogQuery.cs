using BacklogPortal.Data;
using BacklogPortal.Domain;
using Microsoft.EntityFrameworkCore;

namespace BacklogPortal.Staff.Lines;

/// <summary>Reads the whole open backlog for staff, across customers, one page at a time.</summary>
public sealed class StaffBacklogQuery(IDbContextFactory<PortalDbContext> dbFactory, TimeProvider clock)
{
    public const int MaxPageSize = 200;

    public async Task<StaffLinesPage> GetOpenLinesAsync(StaffLinesFilter filter, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);

        var lines = db.OrderLines.AsNoTracking()
            .Where(l => l.Status == LineStatus.Open || l.Status == LineStatus.PartiallyShipped);
        if (filter.Kind is { } kind)
        {
            lines = lines.Where(l => l.Kind == kind);
        }
        if (filter.OverdueOnly)
        {
            lines = lines.Where(l => l.Eta != null && l.Eta < today);
        }
        if (filter.AwaitingConsentOnly)
        {
            lines = lines.Where(l => l.ConsentRequired && l.CustomerResponse == CustomerResponse.None);
        }
        if (!string.IsNullOrWhiteSpace(filter.Sku))
        {
            var sku = filter.Sku.Trim();
            lines = lines.Where(l => l.Product!.Sku.Contains(sku));
        }
        if (!string.IsNullOrWhiteSpace(filter.Customer))
        {
            var customer = filter.Customer.Trim();
            var customerIds = db.Customers.Where(c => c.Name.Contains(customer) || c.Number.Contains(customer)).Select(c => c.Id);
            lines = lines.Where(l => customerIds.Contains(l.CustomerId));
        }
        if (!string.IsNullOrWhiteSpace(filter.Order))
        {
            var order = filter.Order.Trim();
            lines = lines.Where(l => l.Order!.OrderNumber.Contains(order));
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

        return new StaffLinesPage(rows, total, today);
    }

    /// <summary>Products whose SKU or name contains the text, with their open line counts: the bulk change's SKU picker.</summary>
    public async Task<IReadOnlyList<SkuOption>> SearchSkusAsync(string? text, int limit = 20, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var products = db.Products.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(text))
        {
            var search = text.Trim();
            products = products.Where(p => p.Sku.Contains(search) || p.Name.Contains(search));
        }
        return await products
            .OrderBy(p => p.Sku)
            .Take(limit)
            .Select(p => new SkuOption(
                p.Sku,
                p.Name,
                db.OrderLines.Count(l => l.ProductId == p.Id && (l.Status == LineStatus.Open || l.Status == LineStatus.PartiallyShipped))))
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
        (StaffLinesSort.OpenQuantity, false) => lines.OrderBy(l => l.QuantityOrdered - l.QuantityShipped - l.QuantityCancelled).ThenBy(l => l.Id),
        (StaffLinesSort.OpenQuantity, true) => lines.OrderByDescending(l => l.QuantityOrdered - l.QuantityShipped - l.QuantityCancelled).ThenBy(l => l.Id),
        (StaffLinesSort.Moved, false) => lines.OrderBy(l => l.EtaChangeCount).ThenBy(l => l.Id),
        (StaffLinesSort.Moved, true) => lines.OrderByDescending(l => l.EtaChangeCount).ThenBy(l => l.Id),
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
    Moved,
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

public sealed record StaffLinesPage(IReadOnlyList<StaffLine> Lines, int TotalCount, DateOnly Today);

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
    public int QuantityOpen => LineFigures.OpenQuantity(QuantityOrdered, QuantityShipped, QuantityCancelled);

    /// <summary>Days the current ETA lies after the promised date (negative: earlier).</summary>
    public int? SlipDays => LineFigures.SlipDays(PromisedDate, Eta);

    public bool IsOverdueOn(DateOnly today) => LineFigures.IsOverdue(Eta, today);

    public bool AwaitsConsent => ConsentRequired && CustomerResponse == CustomerResponse.None;
}

public sealed record SkuOption(string Sku, string ProductName, int OpenLines)
{
    public override string ToString() => $"{Sku} · {ProductName}";
}
