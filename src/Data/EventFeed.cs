namespace BacklogPortal.Data;

/// <summary>What happened to a line that the ERP must learn about; the feed adds the line's natural keys and the sequence.</summary>
public sealed record LineEvent(
    int OrderLineId,
    IntegrationEventType Type,
    ChangeSource Source,
    string By,
    DateTimeOffset OccurredAt,
    int? Quantity = null,
    DateOnly? ShippedOn = null,
    string? Carrier = null,
    string? TrackingNumber = null,
    string? Reason = null);

/// <summary>
/// Appends to the ERP's events feed inside the caller's transaction. The sequence is the feed's
/// highest plus one, read while the transaction holds the write lock (SQLite: from BEGIN
/// IMMEDIATE; SQL Server: an update lock on the feed's last key until the commit), so sequences
/// are gap-free and commit in their own order. See docs/decisions/008-erp-api-and-events-feed.md.
/// </summary>
public static class EventFeed
{
    public static async Task AppendAsync(PortalDbContext db, LineEvent change, CancellationToken cancellationToken)
    {
        if (db.Database.CurrentTransaction is null)
        {
            throw new InvalidOperationException("Events are appended inside the transaction of the change they report.");
        }
        var line = await db.OrderLines.AsNoTracking()
            .Where(l => l.Id == change.OrderLineId)
            .Select(l => new { l.CustomerId, CustomerNumber = l.Order!.Customer!.Number, l.Order.OrderNumber, l.LineNumber, l.Product!.Sku, l.Eta })
            .SingleAsync(cancellationToken);
        var next = await NextSequenceAsync(db, cancellationToken);
        db.IntegrationEvents.Add(new IntegrationEvent
        {
            Sequence = next,
            Type = change.Type,
            OccurredAt = change.OccurredAt,
            CustomerId = line.CustomerId,
            CustomerNumber = line.CustomerNumber,
            OrderLineId = change.OrderLineId,
            OrderNumber = line.OrderNumber,
            LineNumber = line.LineNumber,
            Sku = line.Sku,
            Quantity = change.Quantity,
            Eta = line.Eta,
            ShippedOn = change.ShippedOn,
            Carrier = change.Carrier,
            TrackingNumber = change.TrackingNumber,
            Reason = change.Reason,
            Source = change.Source,
            By = change.By,
        });
        await db.SaveChangesAsync(cancellationToken);
    }

    private static async Task<long> NextSequenceAsync(PortalDbContext db, CancellationToken cancellationToken)
    {
        // SQL Server: UPDLOCK + HOLDLOCK keep the range after the last key locked until the commit,
        // so a second writer waits here instead of reading the same maximum or committing out of order.
        var query = db.Database.IsSqlServer()
            ? """SELECT COALESCE(MAX("Sequence"), 0) AS "Value" FROM "IntegrationEvents" WITH (UPDLOCK, HOLDLOCK)"""
            : """SELECT COALESCE(MAX("Sequence"), 0) AS "Value" FROM "IntegrationEvents" """;
        var last = await db.Database.SqlQueryRaw<long>(query).SingleAsync(cancellationToken);
        return last + 1;
    }
}
