using System.Text;
using BacklogPortal.Data;
using BacklogPortal.EtaChanges;
using BacklogPortal.Notifications;
using Microsoft.EntityFrameworkCore.Storage;

namespace BacklogPortal.Integration;

/// <summary>
/// Orders as the ERP sends them, upserted by natural keys (order number, line number) in one
/// transaction: new lines are inserted with their initial ETA (audited as "initial estimate"), a
/// changed ETA of an existing open line goes through <see cref="EtaChangeService"/> (audit, outbox,
/// email), and lines absent from a repeat are left alone. Anything invalid rolls everything back.
/// </summary>
public sealed class ErpOrders(
    IDbContextFactory<PortalDbContext> dbFactory,
    EtaChangeService etaChanges,
    OutboxSignal outboxSignal,
    TimeProvider clock,
    IOptions<IntegrationOptions> options,
    ILogger<ErpOrders> logger)
{
    public const int MaxLineNumber = 1_000_000;
    public const int MaxQuantity = 1_000_000;
    public const string ChangedWithOrderText = "Changed with the order in the ERP";

    private sealed record ValidLine(int Index, int LineNumber, string Sku, BacklogKind Kind, int Quantity, decimal? UnitPrice, DateOnly? PromisedDate, DateOnly? Eta);

    private sealed record ExistingLine(
        int Id, int LineNumber, int ProductId, BacklogKind Kind, int QuantityOrdered, int QuantityShipped, int QuantityCancelled,
        decimal UnitPrice, DateOnly? PromisedDate, DateOnly? Eta, LineStatus Status, long Version);

    public async Task<IResult> UpsertAsync(string orderNumber, OrderBody body, string client, CancellationToken cancellationToken)
    {
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        var errors = new FieldErrors();
        var number = errors.Text("orderNumber", orderNumber, Order.MaxOrderNumberLength, required: true);
        var customerNumber = errors.Text("customerNumber", body.CustomerNumber, Customer.MaxNumberLength, required: true);
        var orderDate = errors.Required("orderDate", body.OrderDate);
        if (orderDate is { } date && (date < EtaChangeRules.EarliestEta || date > today.AddDays(1)))
        {
            errors.Add("orderDate", $"The order date must lie between {EtaChangeRules.EarliestEta:yyyy-MM-dd} and today.");
        }
        var lines = ValidateLines(body.Lines, today, errors);
        if (errors.Any)
        {
            return errors.ToProblem();
        }

        // A transient SQL Server fault runs the upsert again whole on a fresh context (Data/UnitsOfWork). No trace is
        // needed for a commit whose answer was lost: the upsert is by order and line number, so the second run finds
        // the order and its lines as the first left them and writes nothing (answering "updated", nothing changed).
        return await dbFactory.RunWithRetriesAsync(
            () => UpsertOnceAsync(number!, customerNumber!, orderDate!.Value, lines, client, cancellationToken), cancellationToken: cancellationToken);
    }

    private async Task<IResult> UpsertOnceAsync(
        string number, string customerNumber, DateOnly orderDate, List<ValidLine> lines, string client, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        db.ChangeTracker.AutoDetectChangesEnabled = false;
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);

        var customerId = await db.Customers.Where(c => c.Number == customerNumber).Select(c => (int?)c.Id).SingleOrDefaultAsync(cancellationToken);
        if (customerId is null)
        {
            errors.Add("customerNumber", $"There is no customer {customerNumber}; create it with PUT /api/v1/customers/{customerNumber} first.");
        }
        var skus = lines.Select(l => l.Sku).Distinct().ToArray();
        var products = await db.Products.AsNoTracking().Where(p => skus.Contains(p.Sku))
            .Select(p => new { p.Id, p.Sku, p.UnitPrice }).ToDictionaryAsync(p => p.Sku, StringComparer.Ordinal, cancellationToken);
        foreach (var line in lines.Where(l => !products.ContainsKey(l.Sku)))
        {
            errors.Add($"lines[{line.Index}].sku", $"There is no product with SKU {line.Sku}; create it with PUT /api/v1/products/{line.Sku} first.");
        }
        var order = await db.Orders.AsTracking().SingleOrDefaultAsync(o => o.OrderNumber == number, cancellationToken);
        if (order is not null && customerId is not null && order.CustomerId != customerId)
        {
            errors.Add("customerNumber", $"Order {number} belongs to another customer; an order's customer cannot change.");
        }
        if (errors.Any)
        {
            return errors.ToProblem();
        }

        var created = order is null;
        if (order is null)
        {
            order = new Order { OrderNumber = number, CustomerId = customerId!.Value, OrderDate = orderDate };
            db.Orders.Add(order);
        }
        else if (order.OrderDate != orderDate)
        {
            order.OrderDate = orderDate;
            db.Entry(order).Property(o => o.OrderDate).IsModified = true;
        }
        await db.SaveChangesAsync(cancellationToken);

        var existing = created
            ? []
            : await db.OrderLines.AsNoTracking().Where(l => l.OrderId == order.Id)
                .Select(l => new ExistingLine(l.Id, l.LineNumber, l.ProductId, l.Kind, l.QuantityOrdered, l.QuantityShipped, l.QuantityCancelled,
                    l.UnitPrice, l.PromisedDate, l.Eta, l.Status, l.Version))
                .ToDictionaryAsync(l => l.LineNumber, cancellationToken);

        var newLines = new List<OrderLine>();
        var etaMoves = new List<(DateOnly? Eta, LineVersion Line)>();
        var updates = new List<(ExistingLine Line, ValidLine Wanted)>();
        foreach (var wanted in lines)
        {
            var product = products[wanted.Sku];
            if (!existing.TryGetValue(wanted.LineNumber, out var line))
            {
                newLines.Add(new OrderLine
                {
                    OrderId = order.Id,
                    CustomerId = order.CustomerId,
                    LineNumber = wanted.LineNumber,
                    ProductId = product.Id,
                    Kind = wanted.Kind,
                    QuantityOrdered = wanted.Quantity,
                    UnitPrice = wanted.UnitPrice ?? product.UnitPrice,
                    PromisedDate = wanted.PromisedDate,
                    Eta = wanted.Eta,
                });
                continue;
            }
            CheckUnchangeable(line, wanted, product.Id, errors);
            var open = LineRules.IsOpenStatus(line.Status);
            if (open && line.Eta != wanted.Eta)
            {
                etaMoves.Add((wanted.Eta, new LineVersion(line.Id, line.Version)));
            }
            if (line.QuantityOrdered != wanted.Quantity || (wanted.UnitPrice is { } price && price != line.UnitPrice)
                || (line.PromisedDate is null && wanted.PromisedDate is not null))
            {
                updates.Add((line, wanted));
            }
        }
        if (errors.Any)
        {
            return errors.ToProblem();
        }

        var etasChanged = 0;
        foreach (var moves in etaMoves.GroupBy(m => m.Eta, m => m.Line))
        {
            foreach (var chunk in moves.Chunk(EtaChangeRules.MaxSelectedLines))
            {
                var change = await etaChanges.ChangeWithinAsync(db, new EtaChangeRequest(
                    EtaChangeTarget.ForLines(chunk), moves.Key, EtaReasonCode.Other, ChangedWithOrderText, ChangeSource.Api, client), cancellationToken);
                switch (change.Outcome)
                {
                    case EtaChangeOutcome.Conflict:
                        return ApiProblems.Conflict(change.Message);
                    case EtaChangeOutcome.Invalid:
                        return ApiEta.Problem(change.Errors);
                }
                etasChanged += change.LinesChanged;
            }
        }

        foreach (var (line, wanted) in updates)
        {
            var price = wanted.UnitPrice ?? line.UnitPrice;
            var promised = line.PromisedDate ?? wanted.PromisedDate;
            await db.OrderLines.Where(l => l.Id == line.Id).ExecuteUpdateAsync(s => s
                .SetProperty(l => l.QuantityOrdered, wanted.Quantity)
                .SetProperty(l => l.UnitPrice, price)
                .SetProperty(l => l.PromisedDate, promised)
                .SetProperty(l => l.Version, l => l.Version + 1), cancellationToken);
        }

        if (newLines.Count > 0)
        {
            await InsertLinesAsync(db, newLines, cancellationToken);
            await etaChanges.RecordInitialEstimatesAsync(db, order.Id, ChangeSource.Api, client, cancellationToken);
        }
        await transaction.CommitAsync(CancellationToken.None);
        if (etasChanged > 0)
        {
            outboxSignal.Notify();
        }
        logger.LogInformation("Order {OrderNumber} {Action} by {Client}: {New} lines created, {Updated} updated, {Etas} ETAs changed",
            number, created ? "created" : "updated", client, newLines.Count, updates.Count, etasChanged);

        var resource = new OrderUpsertResource(number, created, newLines.Count, updates.Count, etasChanged);
        return created ? TypedResults.Created($"/api/v1/orders/{Uri.EscapeDataString(number)}", resource) : TypedResults.Ok(resource);
    }

    public async Task<OrderResource?> GetAsync(string orderNumber, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var order = await db.Orders.AsNoTracking().Where(o => o.OrderNumber == orderNumber)
            .Select(o => new { o.Id, o.OrderNumber, CustomerNumber = o.Customer!.Number, o.OrderDate })
            .SingleOrDefaultAsync(cancellationToken);
        if (order is null)
        {
            return null;
        }
        var shipments = (await db.LineShipments.AsNoTracking().Where(s => s.OrderLine!.OrderId == order.Id)
                .OrderBy(s => s.Id)
                .Select(s => new { s.OrderLineId, Shipment = new ShipmentResource(s.Quantity, s.ShippedOn, s.Carrier, s.TrackingNumber) })
                .ToListAsync(cancellationToken))
            .ToLookup(s => s.OrderLineId, s => s.Shipment);
        var lines = await db.OrderLines.AsNoTracking().Where(l => l.OrderId == order.Id).OrderBy(l => l.LineNumber)
            .Select(l => new
            {
                l.Id, l.LineNumber, l.Product!.Sku, ProductName = l.Product.Name, l.Kind, l.Status, l.QuantityOrdered, l.QuantityShipped, l.QuantityCancelled,
                l.UnitPrice, l.PromisedDate, l.Eta, l.EtaChangeCount, l.ConsentRequired, l.CustomerResponse, l.CustomerRespondedAt,
            })
            .ToListAsync(cancellationToken);
        return new OrderResource(order.OrderNumber, order.CustomerNumber, order.OrderDate, [.. lines.Select(l => new OrderLineResource(
            l.LineNumber, l.Sku, l.ProductName, l.Kind, l.Status, l.QuantityOrdered, l.QuantityShipped, l.QuantityCancelled,
            LineRules.OpenQuantity(l.QuantityOrdered, l.QuantityShipped, l.QuantityCancelled), l.UnitPrice, l.PromisedDate, l.Eta,
            l.EtaChangeCount, l.ConsentRequired, l.CustomerResponse, l.CustomerRespondedAt, [.. shipments[l.Id]]))]);
    }

    // Columns of a new line; the rest (customer response, who and when) start empty.
    private static readonly string[] InsertedColumns =
    [
        nameof(OrderLine.OrderId), nameof(OrderLine.CustomerId), nameof(OrderLine.LineNumber), nameof(OrderLine.ProductId), nameof(OrderLine.Kind),
        nameof(OrderLine.QuantityOrdered), nameof(OrderLine.QuantityShipped), nameof(OrderLine.QuantityCancelled), nameof(OrderLine.UnitPrice),
        nameof(OrderLine.PromisedDate), nameof(OrderLine.Eta), nameof(OrderLine.EtaChangeCount), nameof(OrderLine.Status),
        nameof(OrderLine.ConsentRequired), nameof(OrderLine.CustomerResponse), nameof(OrderLine.Version),
    ];

    // SQL Server takes at most 1,000 rows in one VALUES list.
    private const int InsertRowsPerStatement = 500;

    /// <summary>
    /// New lines as multi-row INSERTs in the caller's transaction: a 10,000-line order is 20 statements
    /// instead of 10,000 tracked entities. Each value is written as a SQL literal by its column's EF type
    /// mapping (the literals EF itself writes for seed data), so it is stored exactly as EF stores it (dates,
    /// money as REAL on SQLite, enums as numbers); every value is a number, a date or a flag, never text.
    /// </summary>
    /// <remarks>
    /// Literals rather than parameters: Microsoft.Data.Sqlite binds each named parameter by looking its name up
    /// among the statement's parameters one after another, so 1,600 parameters per statement made binding, not
    /// inserting, most of a 10,000-line order's time (docs/PERFORMANCE.md, "ERP API").
    /// </remarks>
    private static async Task InsertLinesAsync(PortalDbContext db, List<OrderLine> lines, CancellationToken cancellationToken)
    {
        var entity = db.Model.FindEntityType(typeof(OrderLine))!;
        var properties = InsertedColumns.Select(c => entity.FindProperty(c)!).ToArray();
        var mappings = properties.Select(p => p.GetRelationalTypeMapping()).ToArray();
        var columnList = string.Join(", ", properties.Select(p => $"\"{p.GetColumnName()}\""));
        foreach (var chunk in lines.Chunk(InsertRowsPerStatement))
        {
            var insert = new StringBuilder($"""INSERT INTO "OrderLines" ({columnList}) VALUES """);
            foreach (var line in chunk)
            {
                object?[] values =
                [
                    line.OrderId, line.CustomerId, line.LineNumber, line.ProductId, line.Kind, line.QuantityOrdered, line.QuantityShipped,
                    line.QuantityCancelled, line.UnitPrice, line.PromisedDate, line.Eta, line.EtaChangeCount, line.Status,
                    line.ConsentRequired, line.CustomerResponse, line.Version,
                ];
                insert.Append(line == chunk[0] ? "(" : ", (");
                for (var i = 0; i < values.Length; i++)
                {
                    insert.Append(i == 0 ? "" : ", ").Append(mappings[i].GenerateSqlLiteral(values[i]));
                }
                insert.Append(')');
            }
            await db.Database.ExecuteSqlRawAsync(insert.ToString(), cancellationToken);
        }
    }

    private List<ValidLine> ValidateLines(List<OrderLineBody?>? lines, DateOnly today, FieldErrors errors)
    {
        var valid = new List<ValidLine>();
        if (lines is null)
        {
            errors.Add("lines", "This field is required (an empty list changes only the order's header).");
            return valid;
        }
        var max = options.Value.MaxLinesPerOrder;
        if (lines.Count > max)
        {
            errors.Add("lines", $"{lines.Count:N0} lines are too many for one request; at most {max:N0} are allowed.");
            return valid;
        }
        var seen = new HashSet<int>();
        var latest = EtaChangeRules.LatestEta(today);
        for (var i = 0; i < lines.Count; i++)
        {
            var field = $"lines[{i}]";
            if (lines[i] is not { } line)
            {
                errors.Add(field, "A line is required here, not null.");
                continue;
            }
            var lineNumber = errors.Required($"{field}.lineNumber", line.LineNumber);
            if (lineNumber is < 1 or > MaxLineNumber)
            {
                errors.Add($"{field}.lineNumber", $"Use a line number from 1 to {MaxLineNumber:N0}.");
            }
            else if (lineNumber is { } n && !seen.Add(n))
            {
                errors.Add($"{field}.lineNumber", $"Line number {n} appears twice.");
            }
            var sku = errors.Text($"{field}.sku", line.Sku, Product.MaxSkuLength, required: true);
            var kind = errors.Required($"{field}.kind", line.Kind);
            var quantity = errors.Required($"{field}.quantity", line.Quantity);
            if (quantity is < 1 or > MaxQuantity)
            {
                errors.Add($"{field}.quantity", $"The quantity must be from 1 to {MaxQuantity:N0}.");
            }
            if (line.UnitPrice is < 0 or > Products.ProductCatalog.MaxUnitPrice)
            {
                errors.Add($"{field}.unitPrice", $"The unit price must be between 0 and {Products.ProductCatalog.MaxUnitPrice:N0}.");
            }
            CheckDate($"{field}.promisedDate", line.PromisedDate, latest, errors);
            CheckDate($"{field}.eta", line.Eta, latest, errors);
            if (lineNumber is not null && sku is not null && kind is not null && quantity is not null)
            {
                valid.Add(new ValidLine(i, lineNumber.Value, sku, kind.Value, quantity.Value, line.UnitPrice, line.PromisedDate, line.Eta));
            }
        }
        return valid;
    }

    private static void CheckDate(string field, DateOnly? date, DateOnly latest, FieldErrors errors)
    {
        if (date is { } d && (d < EtaChangeRules.EarliestEta || d > latest))
        {
            errors.Add(field, $"The date must lie between {EtaChangeRules.EarliestEta:yyyy-MM-dd} and {latest:yyyy-MM-dd}.");
        }
    }

    // A line's product, kind and promise are facts of the order; the ERP cannot rewrite them on a repeat.
    private static void CheckUnchangeable(ExistingLine line, ValidLine wanted, int productId, FieldErrors errors)
    {
        var field = $"lines[{wanted.Index}]";
        if (line.ProductId != productId)
        {
            errors.Add($"{field}.sku", $"Line {line.LineNumber} exists for another SKU; a line's product cannot change (add a new line instead).");
        }
        if (line.Kind != wanted.Kind)
        {
            errors.Add($"{field}.kind", $"Line {line.LineNumber} exists as another kind; a line's kind cannot change.");
        }
        if (line.PromisedDate is { } promised && wanted.PromisedDate is { } repeat && promised != repeat)
        {
            errors.Add($"{field}.promisedDate", $"Line {line.LineNumber} was promised for {promised:yyyy-MM-dd}; the promised date never changes (move the ETA instead).");
        }
        var closed = !LineRules.IsOpenStatus(line.Status);
        if (wanted.Quantity != line.QuantityOrdered
            && (closed || wanted.Quantity <= line.QuantityShipped + line.QuantityCancelled))
        {
            errors.Add($"{field}.quantity", closed
                ? $"Line {line.LineNumber} is {line.Status.ToString().ToLowerInvariant()}; its quantity cannot change."
                : $"Line {line.LineNumber} has {line.QuantityShipped + line.QuantityCancelled:N0} shipped or cancelled; the quantity must stay above that (cancel open quantity with POST …/cancellations).");
        }
    }
}
