using BacklogPortal.Data;

namespace BacklogPortal.Staff.Lines;

/// <summary>Reads the whole open backlog for staff, across customers, one page at a time.</summary>
public sealed class StaffBacklogQuery(IDbContextFactory<PortalDbContext> dbFactory, TimeProvider clock)
{
    public const int MaxPageSize = 200;

    public async Task<StaffLinesResult> GetLinesAsync(StaffLinesFilter filter, StaffLinesPaging paging, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        var lines = filter.Apply(db.OrderLines.AsNoTracking(), db, today);

        var total = await lines.CountAsync(cancellationToken);
        var pageSize = Math.Clamp(paging.PageSize, 1, MaxPageSize);
        // The page's ids first on the lines table, then the rows with their order, product and customer.
        var pageIds = await Sort(lines, paging.Sort, paging.Descending)
            .Skip(Math.Max(paging.Page, 0) * pageSize)
            .Take(pageSize)
            .Select(l => l.Id)
            .ToListAsync(cancellationToken);
        var rows = await Rows(db.OrderLines.AsNoTracking().Where(l => pageIds.Contains(l.Id))).ToListAsync(cancellationToken);
        var order = pageIds.Select((id, index) => (id, index)).ToDictionary(p => p.id, p => p.index);
        return new StaffLinesResult([.. rows.OrderBy(r => order[r.LineId])], total, today);
    }

    /// <summary>The lines of <paramref name="lineIds"/> as staff see them (e.g. a selection re-read before an action).</summary>
    public async Task<IReadOnlyList<StaffLine>> GetByIdsAsync(IReadOnlyCollection<int> lineIds, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var ids = lineIds.ToArray();
        var rows = await Rows(db.OrderLines.AsNoTracking().Where(l => ids.Contains(l.Id))).ToListAsync(cancellationToken);
        return [.. rows.OrderBy(l => l.LineId)];
    }

    // The customer through the order (already joined for its number) rather than a second join on the line's copy of the id.
    private static IQueryable<StaffLine> Rows(IQueryable<OrderLine> lines) =>
        lines.Select(LineState.Of.With((l, state) => new StaffLine(
            l.Id,
            l.Version,
            l.Order!.Customer!.Name,
            l.Order.Customer.Number,
            l.Order.OrderNumber,
            l.LineNumber,
            l.Product!.Sku,
            l.Product.Name,
            state)));

    /// <summary>Customers whose name or number contains the text: the customer filter's picker.</summary>
    public async Task<IReadOnlyList<CustomerOption>> SearchCustomersAsync(string? text, int limit = 20, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var customers = db.Customers.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(text))
        {
            customers = customers.Where(TextSearch.AnyContains<Customer>(text, c => c.Name, c => c.Number));
        }
        return await customers.OrderBy(c => c.Name).Take(limit).Select(c => new CustomerOption(c.Number, c.Name)).ToListAsync(cancellationToken);
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

    private static IQueryable<OrderLine> Sort(IQueryable<OrderLine> lines, StaffLinesSort sort, bool descending) => sort switch
    {
        StaffLinesSort.OrderNumber => lines.ByOrderNumber(descending),
        StaffLinesSort.Sku => lines.By(l => l.Product!.Sku, descending),
        StaffLinesSort.PromisedDate => lines.By(l => l.PromisedDate, descending),
        StaffLinesSort.OpenQuantity => lines.By(LineRules.OpenQuantityOf, descending),
        _ => lines.ByEta(descending),
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

/// <summary>Which page of the filtered lines, in which order; not part of the shareable filter.</summary>
public sealed record StaffLinesPaging(int Page = 0, int PageSize = 50, StaffLinesSort Sort = StaffLinesSort.Eta, bool Descending = false);

public sealed record StaffLinesResult(IReadOnlyList<StaffLine> Lines, int TotalCount, DateOnly Today);

/// <summary>One line as staff see it: whose, which order and product, the version an edit must match, and where it stands.</summary>
public sealed record StaffLine(
    int LineId,
    long Version,
    string CustomerName,
    string CustomerNumber,
    string OrderNumber,
    int LineNumber,
    string Sku,
    string ProductName,
    LineState State);

public sealed record CustomerOption(string Number, string Name)
{
    public override string ToString() => $"{Name} ({Number})";
}

public sealed record SkuOption(string Sku, string ProductName, int OpenLines)
{
    public override string ToString() => $"{Sku} · {ProductName}";
}
