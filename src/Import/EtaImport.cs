using BacklogPortal.Data;
using BacklogPortal.EtaChanges;

namespace BacklogPortal.Import;

/// <summary>
/// Checks an ETA import file against the database and applies it through <see cref="EtaChangeService"/>
/// as one batch: one transaction, audit rows with source Import, outbox rows, all or nothing.
/// </summary>
public sealed class EtaImport(
    IDbContextFactory<PortalDbContext> dbFactory,
    EtaChangeService etaChanges,
    IOptions<ImportOptions> options,
    TimeProvider clock)
{
    /// <summary>Lines per statement of a batch item: keeps SQL Server's statements small.</summary>
    public const int LinesPerItem = 1_000;

    public ImportOptions Options => options.Value;

    /// <summary>Reads and checks every row (nothing is written): the problems, or what the import would do now.</summary>
    public async Task<EtaImportCheck> CheckAsync(byte[] content, string fileName, CancellationToken cancellationToken = default)
    {
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        var file = EtaImportFile.Read(content, options.Value, today);
        var name = CleanFileName(fileName);
        // A problem with the file as a whole or its header leaves no rows to look up.
        if (file.ProblemCount > 0 && (file.Rows.Count == 0 || file.Problems.Any(p => p.Row <= 1)))
        {
            return EtaImportCheck.Rejected(name, file.Problems, file.ProblemCount, file.EncodingNote);
        }

        var problems = new EtaImportFile.Problems(options.Value.MaxReportedProblems);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        // Up to 100,000 names: each list goes as one (JSON) parameter, not one parameter per name.
        var lineRows = file.Rows.Where(r => r.NamesLine).ToList();
        var skuRows = file.Rows.Where(r => !r.NamesLine).ToList();

        var orderNumbers = lineRows.Select(r => r.OrderNumber!).Distinct().ToArray();
        var orderIds = orderNumbers.Length == 0 ? [] : await db.Orders.AsNoTracking()
            .Where(o => EF.Parameter(orderNumbers).Contains(o.OrderNumber)).Select(o => new { o.OrderNumber, o.Id })
            .ToDictionaryAsync(o => o.OrderNumber, o => o.Id, StringComparer.Ordinal, cancellationToken);
        // Only the named lines: the order's index finds the orders' lines, and the (order, line) key, read from that
        // same index, keeps the named ones before any line row is read (a 100,000-row file names 100,000 of the
        // 500,000 lines of its orders on the benchmark's database).
        var foundOrderIds = orderIds.Values.ToArray();
        var lineKeys = lineRows
            .Select(r => orderIds.TryGetValue(r.OrderNumber!, out var id) ? LineKey(id, r.LineNumber!.Value) : (long?)null)
            .OfType<long>().Distinct().ToArray();
        var lines = foundOrderIds.Length == 0 ? [] : await db.OrderLines.AsNoTracking()
            .Where(l => EF.Parameter(foundOrderIds).Contains(l.OrderId)
                && EF.Parameter(lineKeys).Contains(l.OrderId * LineKeyFactor + l.LineNumber))
            .Select(l => new ImportedLine(l.OrderId, l.LineNumber, l.Id, l.ProductId, l.CustomerId, l.Status, l.Eta))
            .ToDictionaryAsync(l => (l.OrderId, l.LineNumber), cancellationToken);

        var skus = skuRows.Select(r => r.Sku!).Distinct().ToArray();
        var products = skus.Length == 0 ? [] : await db.Products.AsNoTracking()
            .Where(p => EF.Parameter(skus).Contains(p.Sku)).Select(p => new { p.Sku, p.Id })
            .ToDictionaryAsync(p => p.Sku, p => p.Id, StringComparer.Ordinal, cancellationToken);

        var skuRowOfProduct = new Dictionary<int, EtaImportRow>();
        var firstRowOfSku = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var row in skuRows)
        {
            if (firstRowOfSku.TryGetValue(row.Sku!, out var first))
            {
                problems.Add(row.Row, EtaImportFile.Sku, row.Sku!, $"The same SKU as row {first}.");
                continue;
            }
            firstRowOfSku[row.Sku!] = row.Row;
            if (products.TryGetValue(row.Sku!, out var productId))
            {
                skuRowOfProduct[productId] = row;
            }
            else
            {
                problems.Add(row.Row, EtaImportFile.Sku, row.Sku!, $"There is no product with SKU {row.Sku}.");
            }
        }

        var firstRowOfLine = new Dictionary<(string, int), int>();
        var plannedLines = new List<(EtaImportRow Row, ImportedLine Line)>();
        foreach (var row in lineRows)
        {
            var key = (row.OrderNumber!, row.LineNumber!.Value);
            if (firstRowOfLine.TryGetValue(key, out var first))
            {
                problems.Add(row.Row, EtaImportFile.LineNumber, row.LineNumber.Value.ToString(), $"The same line as row {first}.");
                continue;
            }
            firstRowOfLine[key] = row.Row;
            if (!orderIds.TryGetValue(row.OrderNumber!, out var orderId))
            {
                problems.Add(row.Row, EtaImportFile.OrderNumber, EtaImportFile.Shown(row.OrderNumber!), $"There is no order {EtaImportFile.Shown(row.OrderNumber!)}.");
            }
            else if (!lines.TryGetValue((orderId, key.Item2), out var line))
            {
                problems.Add(row.Row, EtaImportFile.LineNumber, row.LineNumber.Value.ToString(), $"Order {row.OrderNumber} has no line {row.LineNumber}.");
            }
            else if (line.Status is LineStatus.Shipped or LineStatus.Cancelled)
            {
                problems.Add(row.Row, EtaImportFile.LineNumber, row.LineNumber.Value.ToString(),
                    $"Line {row.LineNumber} of order {row.OrderNumber} is {(line.Status == LineStatus.Shipped ? "shipped" : "cancelled")}; its ETA can no longer change.");
            }
            else if (skuRowOfProduct.TryGetValue(line.ProductId, out var skuRow))
            {
                problems.Add(row.Row, EtaImportFile.LineNumber, row.LineNumber.Value.ToString(),
                    $"Line {row.LineNumber} of order {row.OrderNumber} is also changed by row {skuRow.Row} (all open lines of SKU {skuRow.Sku}).");
            }
            else
            {
                plannedLines.Add((row, line));
            }
        }
        if (file.ProblemCount > 0 || problems.Count > 0)
        {
            var all = file.Problems.Concat(problems.List).OrderBy(p => p.Row).Take(options.Value.MaxReportedProblems).ToList();
            return EtaImportCheck.Rejected(name, all, file.ProblemCount + problems.Count, file.EncodingNote);
        }

        var preview = await PreviewAsync(db, plannedLines, skuRowOfProduct, cancellationToken);
        return EtaImportCheck.Accepted(name, file.Rows.Count, preview, file.EncodingNote, Plan(plannedLines, skuRows));
    }

    /// <summary>
    /// Checks the file again (lines may have shipped since the preview) and applies it in one transaction.
    /// Returns the problems instead when the file no longer applies as a whole.
    /// </summary>
    public async Task<EtaImportOutcome> ApplyAsync(
        byte[] content, string fileName, string importedBy, IProgress<double>? progress = null, CancellationToken cancellationToken = default)
    {
        var check = await CheckAsync(content, fileName, cancellationToken);
        if (!check.IsValid)
        {
            return new EtaImportOutcome(check, null);
        }
        var changedBy = $"{check.FileName} (imported by {importedBy.Trim()})";
        if (changedBy.Length > EtaChangeRules.MaxChangedByLength)
        {
            changedBy = changedBy[..EtaChangeRules.MaxChangedByLength];
        }
        var items = check.Plan;
        var itemsDone = progress is null ? null : new SynchronousProgress<int>(done => progress.Report((double)done / items.Count));
        var result = await etaChanges.ChangeBatchAsync(new EtaChangeBatch(items, ChangeSource.Import, changedBy), itemsDone, cancellationToken);
        return new EtaImportOutcome(check, result);
    }

    private static async Task<EtaImportPreview> PreviewAsync(
        PortalDbContext db, List<(EtaImportRow Row, ImportedLine Line)> plannedLines, Dictionary<int, EtaImportRow> skuRowOfProduct,
        CancellationToken cancellationToken)
    {
        var counts = new PreviewCounter();
        foreach (var (row, line) in plannedLines)
        {
            counts.Add(line.Eta, row.NewEta, line.CustomerId, 1);
        }
        if (skuRowOfProduct.Count > 0)
        {
            var productIds = skuRowOfProduct.Keys.ToArray();
            var skuLines = await db.OrderLines.AsNoTracking()
                .Where(l => EF.Parameter(productIds).Contains(l.ProductId))
                .Where(LineRules.IsOpen)
                .GroupBy(l => new { l.ProductId, l.CustomerId, l.Eta })
                .Select(g => new { g.Key.ProductId, g.Key.CustomerId, g.Key.Eta, Lines = g.Count() })
                .ToListAsync(cancellationToken);
            foreach (var group in skuLines)
            {
                counts.Add(group.Eta, skuRowOfProduct[group.ProductId].NewEta, group.CustomerId, group.Lines);
            }
        }
        return counts.Preview();
    }

    // Line rows that share a date and reason become one item (in slices of LinesPerItem lines); a SKU row is an item of its own.
    private static IReadOnlyList<EtaChangeBatchItem> Plan(List<(EtaImportRow Row, ImportedLine Line)> plannedLines, List<EtaImportRow> skuRows)
    {
        var items = new List<EtaChangeBatchItem>();
        foreach (var group in plannedLines.GroupBy(p => (p.Row.NewEta, p.Row.ReasonCode, p.Row.ReasonText)))
        {
            foreach (var slice in group.Select(p => p.Line.Id).Chunk(LinesPerItem))
            {
                items.Add(new EtaChangeBatchItem(EtaChangeTarget.ForLineIds(slice), group.Key.NewEta, group.Key.ReasonCode, group.Key.ReasonText));
            }
        }
        items.AddRange(skuRows.Select(r => new EtaChangeBatchItem(EtaChangeTarget.ForSku(r.Sku!), r.NewEta, r.ReasonCode, r.ReasonText)));
        return items;
    }

    // One number per (order id, line number) for a single-parameter lookup; line numbers are ints, so the factor keeps keys apart.
    private const long LineKeyFactor = 1L << 32;

    private static long LineKey(int orderId, int lineNumber) => orderId * LineKeyFactor + lineNumber;

    private static string CleanFileName(string fileName)
    {
        var name = new string(Path.GetFileName(fileName.Replace('\\', '/')).Where(c => !char.IsControl(c)).ToArray()).Trim();
        if (name.Length == 0)
        {
            name = "import.csv";
        }
        return name.Length > 120 ? name[..120] : name;
    }

    private sealed record ImportedLine(int OrderId, int LineNumber, int Id, int ProductId, int CustomerId, LineStatus Status, DateOnly? Eta);

    private sealed class PreviewCounter
    {
        private readonly HashSet<int> customers = [];
        private int lines, later, earlier, unknown, unchanged;

        public void Add(DateOnly? current, DateOnly? next, int customerId, int count)
        {
            if (current == next)
            {
                unchanged += count;
                return;
            }
            lines += count;
            customers.Add(customerId);
            if (next is null)
            {
                unknown += count;
            }
            else if (current is null || current < next)
            {
                later += count;
            }
            else
            {
                earlier += count;
            }
        }

        public EtaImportPreview Preview() => new(lines, customers.Count, later, earlier, unknown, unchanged);
    }

    // Progress<T> posts to the captured context and may report after the work ended; this reports in order, at once.
    private sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }
}

/// <summary>What an import would change now.</summary>
/// <param name="Later">Lines whose ETA moves later (or gets a date after being unknown).</param>
/// <param name="Unknown">Lines whose ETA becomes "not yet known".</param>
/// <param name="Unchanged">Open lines already at the date in the file (left alone).</param>
public sealed record EtaImportPreview(int Lines, int Customers, int Later, int Earlier, int Unknown, int Unchanged);

public sealed record EtaImportCheck(
    string FileName,
    int Rows,
    IReadOnlyList<ImportProblem> Problems,
    int ProblemCount,
    EtaImportPreview? Preview,
    string? EncodingNote,
    IReadOnlyList<EtaChangeBatchItem> Plan)
{
    public bool IsValid => ProblemCount == 0;

    internal static EtaImportCheck Rejected(string fileName, IReadOnlyList<ImportProblem> problems, int count, string? encodingNote) =>
        new(fileName, 0, problems, count, null, encodingNote, []);

    internal static EtaImportCheck Accepted(string fileName, int rows, EtaImportPreview preview, string? encodingNote, IReadOnlyList<EtaChangeBatchItem> plan) =>
        new(fileName, rows, [], 0, preview, encodingNote, plan);
}

/// <param name="Result">Null when the file was rejected on the second check.</param>
public sealed record EtaImportOutcome(EtaImportCheck Check, EtaChangeResult? Result);
