using BacklogPortal.Data;
using Microsoft.EntityFrameworkCore.Query;

namespace BacklogPortal.Fulfilment;

/// <summary>
/// The one write path for shipping and cancelling a line's open quantity, from the staff pages and
/// the ERP API alike. Each call is one transaction: a guarded UPDATE of the line (open, enough open
/// quantity, the version the caller saw), the audit row (shipment with carrier and tracking, or
/// cancellation with reason; who, how, when) and the ERP events-feed entry. Partial shipments keep
/// the line open as PartiallyShipped; nothing left open makes it Shipped (or Cancelled when nothing
/// ever shipped), and it leaves the backlog.
/// </summary>
public sealed class LineFulfilmentService(
    IDbContextFactory<PortalDbContext> dbFactory,
    TimeProvider clock,
    ILogger<LineFulfilmentService> logger)
{
    public const int MaxCarrierLength = 100;
    public const int MaxTrackingNumberLength = 100;
    public const int MaxReasonLength = 500;
    public const int MaxRecordedByLength = 256;

    /// <summary>How far back a shipment date may lie; later than today is refused.</summary>
    public const int MaxShippedDaysAgo = 366;

    public const string ConflictMessage =
        "This line was changed by someone else meanwhile. Nothing was saved; reload the line and try again.";

    public async Task<FulfilmentResult> RecordShipmentAsync(ShipmentRequest request, CancellationToken cancellationToken = default)
    {
        var now = clock.GetUtcNow();
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        var errors = new List<FulfilmentError>();
        ValidateCommon(request.Quantity, request.Source, request.RecordedBy, errors);
        if (request.ShippedOn > today)
        {
            errors.Add(new(nameof(request.ShippedOn), $"The shipping date {request.ShippedOn:yyyy-MM-dd} is in the future."));
        }
        else if (request.ShippedOn < today.AddDays(-MaxShippedDaysAgo))
        {
            errors.Add(new(nameof(request.ShippedOn), $"The shipping date {request.ShippedOn:yyyy-MM-dd} is more than a year ago; check the year."));
        }
        CheckText(request.Carrier, MaxCarrierLength, nameof(request.Carrier), "carrier", errors);
        CheckText(request.TrackingNumber, MaxTrackingNumberLength, nameof(request.TrackingNumber), "tracking number", errors);
        if (errors.Count > 0)
        {
            return FulfilmentResult.InvalidBecause([.. errors]);
        }

        var quantity = request.Quantity;
        var by = request.RecordedBy.Trim();
        return await RecordAsync(request.ExpectedVersion, Verb.Ship,
            s => s
                .SetProperty(l => l.QuantityShipped, l => l.QuantityShipped + quantity)
                .SetProperty(l => l.Status, l => l.QuantityOrdered - l.QuantityShipped - l.QuantityCancelled == quantity
                    ? LineStatus.Shipped
                    : LineStatus.PartiallyShipped)
                .SetProperty(l => l.Version, l => l.Version + 1),
            () => new LineShipment
            {
                OrderLineId = request.LineId,
                Quantity = quantity,
                ShippedOn = request.ShippedOn,
                Carrier = NullIfEmpty(request.Carrier),
                TrackingNumber = NullIfEmpty(request.TrackingNumber),
                Source = request.Source,
                RecordedBy = by,
                RecordedAt = now,
            },
            new LineEvent(request.LineId, IntegrationEventType.ShipmentRecorded, request.Source, by, now, Quantity: quantity,
                ShippedOn: request.ShippedOn, Carrier: NullIfEmpty(request.Carrier), TrackingNumber: NullIfEmpty(request.TrackingNumber)),
            cancellationToken);
    }

    public async Task<FulfilmentResult> CancelOpenQuantityAsync(CancellationRequest request, CancellationToken cancellationToken = default)
    {
        var now = clock.GetUtcNow();
        var errors = new List<FulfilmentError>();
        ValidateCommon(request.Quantity, request.Source, request.RecordedBy, errors);
        CheckText(request.Reason, MaxReasonLength, nameof(request.Reason), "reason", errors);
        if (errors.Count > 0)
        {
            return FulfilmentResult.InvalidBecause([.. errors]);
        }

        var quantity = request.Quantity;
        var by = request.RecordedBy.Trim();
        return await RecordAsync(request.ExpectedVersion, Verb.Cancel,
            s => s
                .SetProperty(l => l.QuantityCancelled, l => l.QuantityCancelled + quantity)
                // Nothing left open: complete as Shipped when some units went out, otherwise Cancelled.
                .SetProperty(l => l.Status, l => l.QuantityOrdered - l.QuantityShipped - l.QuantityCancelled == quantity
                    ? (l.QuantityShipped > 0 ? LineStatus.Shipped : LineStatus.Cancelled)
                    : l.Status)
                .SetProperty(l => l.Version, l => l.Version + 1),
            () => new LineCancellation
            {
                OrderLineId = request.LineId,
                Quantity = quantity,
                Reason = NullIfEmpty(request.Reason),
                Source = request.Source,
                RecordedBy = by,
                RecordedAt = now,
            },
            new LineEvent(request.LineId, IntegrationEventType.QuantityCancelled, request.Source, by, now, Quantity: quantity, Reason: NullIfEmpty(request.Reason)),
            cancellationToken);
    }

    private enum Verb
    {
        Ship,
        Cancel,
    }

    // One transaction: the guarded line update, the audit row, the feed entry; all or nothing. A transient SQL Server
    // fault runs it again whole on a fresh context (Data/UnitsOfWork). A commit that landed although its answer was
    // lost is recognised by its audit row (same line, instant, who and quantity), never applied twice: the ERP sends
    // no expected version, so a second run would ship or cancel the quantity again.
    /// <summary>
    /// Updates the line and writes its record (<paramref name="newRecord"/>: a fresh one for every attempt) and its
    /// event in one transaction; a transient fault runs it again, and a commit whose answer was lost is recognised
    /// by its record.
    /// </summary>
    private Task<FulfilmentResult> RecordAsync<TRecord>(
        long? expectedVersion,
        Verb verb,
        Action<UpdateSettersBuilder<OrderLine>> update,
        Func<TRecord> newRecord,
        LineEvent change,
        CancellationToken cancellationToken)
        where TRecord : LineFulfilmentRecord
    {
        var written = newRecord();
        return dbFactory.RunWithRetriesAsync(
            () => RecordOnceAsync(written.OrderLineId, expectedVersion, written.Quantity, verb, update,
                (db, customerId) => InsertAsync(db, newRecord(), customerId, cancellationToken), change, cancellationToken),
            () => CommittedAsync(written.OrderLineId, written.Quantity, verb, db => db.Set<TRecord>()
                .Where(r => r.OrderLineId == written.OrderLineId && r.RecordedAt == written.RecordedAt && r.RecordedBy == written.RecordedBy && r.Quantity == written.Quantity)
                .Select(r => (long?)r.Id).FirstOrDefaultAsync(), change),
            cancellationToken);
    }

    private static async Task<long> InsertAsync(PortalDbContext db, LineFulfilmentRecord record, int customerId, CancellationToken cancellationToken)
    {
        record.CustomerId = customerId;
        db.Add(record);
        await db.SaveChangesAsync(cancellationToken);
        return record.Id;
    }

    private async Task<FulfilmentResult> RecordOnceAsync(
        int lineId,
        long? expectedVersion,
        int quantity,
        Verb verb,
        Action<UpdateSettersBuilder<OrderLine>> update,
        Func<PortalDbContext, int, Task<long>> audit,
        LineEvent change,
        CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var updated = await Target(db, lineId, expectedVersion, quantity).ExecuteUpdateAsync(update, cancellationToken);
        if (updated != 1)
        {
            return await ExplainAsync(db, lineId, expectedVersion, quantity, verb, cancellationToken);
        }
        var customerId = await db.OrderLines.Where(l => l.Id == lineId).Select(l => l.CustomerId).SingleAsync(cancellationToken);
        var recordId = await audit(db, customerId);
        await EventFeed.AppendAsync(db, change, cancellationToken);
        var line = await QuantitiesAsync(db, lineId, cancellationToken);
        // Past this point the change is made: a cancelled caller must not roll it back.
        await transaction.CommitAsync(CancellationToken.None);
        return Recorded(recordId, line, quantity, verb, change);
    }

    private async Task<(bool, FulfilmentResult)> CommittedAsync(
        int lineId, int quantity, Verb verb, Func<PortalDbContext, Task<long?>> findAudit, LineEvent change)
    {
        await using var db = await dbFactory.CreateDbContextAsync();
        if (await findAudit(db) is not { } recordId)
        {
            return (false, FulfilmentResult.ConflictOn(ConflictMessage));
        }
        return (true, Recorded(recordId, await QuantitiesAsync(db, lineId, CancellationToken.None), quantity, verb, change));
    }

    private FulfilmentResult Recorded(long recordId, LineQuantities line, int quantity, Verb verb, LineEvent change)
    {
        logger.LogInformation("{Verb} of {Quantity} on line {LineId} recorded by {RecordedBy} via {Source}; {Open} open",
            verb, quantity, change.OrderLineId, change.By, change.Source, line.Open);
        var done = verb == Verb.Ship ? "Shipped" : "Cancelled";
        return FulfilmentResult.Recorded(recordId, line, line.Open == 0
            ? $"{done} {quantity:N0}: nothing of the line is left open."
            : $"{done} {quantity:N0}; {line.Open:N0} still open.");
    }

    // The guard of both writes: the line is open, has at least the quantity open, and (for a person) is as they saw it.
    private static IQueryable<OrderLine> Target(PortalDbContext db, int lineId, long? expectedVersion, int quantity)
    {
        var line = db.OrderLines.Where(l => l.Id == lineId)
            .Where(LineRules.IsOpen)
            .Where(l => l.QuantityOrdered - l.QuantityShipped - l.QuantityCancelled >= quantity);
        return expectedVersion is { } version ? line.Where(l => l.Version == version) : line;
    }

    // Only reached when nothing was written: says why, the most useful reason first.
    private static async Task<FulfilmentResult> ExplainAsync(
        PortalDbContext db, int lineId, long? expectedVersion, int quantity, Verb verb, CancellationToken cancellationToken)
    {
        var current = await db.OrderLines.AsNoTracking().Where(l => l.Id == lineId)
            .Select(l => new { l.Status, l.Version, l.QuantityOrdered, l.QuantityShipped, l.QuantityCancelled })
            .SingleOrDefaultAsync(cancellationToken);
        if (current is null)
        {
            return FulfilmentResult.InvalidBecause(new FulfilmentError("LineId", "The line does not exist."));
        }
        if (expectedVersion is { } version && current.Version != version)
        {
            return FulfilmentResult.ConflictOn(ConflictMessage);
        }
        var open = LineRules.OpenQuantity(current.QuantityOrdered, current.QuantityShipped, current.QuantityCancelled);
        return !LineRules.IsOpenStatus(current.Status) || open == 0
            ? FulfilmentResult.InvalidBecause(new FulfilmentError("Quantity", $"The line is {current.Status.ToString().ToLowerInvariant()}: nothing is open to {(verb == Verb.Ship ? "ship" : "cancel")}."))
            : FulfilmentResult.InvalidBecause(new FulfilmentError("Quantity", $"Only {open:N0} of the line are open; {quantity:N0} cannot be {(verb == Verb.Ship ? "shipped" : "cancelled")}."));
    }

    private static async Task<LineQuantities> QuantitiesAsync(PortalDbContext db, int lineId, CancellationToken cancellationToken) =>
        await db.OrderLines.AsNoTracking().Where(l => l.Id == lineId)
            .Select(l => new LineQuantities(l.QuantityOrdered, l.QuantityShipped, l.QuantityCancelled, l.Status, l.Version))
            .SingleAsync(cancellationToken);

    private static void ValidateCommon(int quantity, ChangeSource source, string? recordedBy, List<FulfilmentError> errors)
    {
        if (quantity <= 0)
        {
            errors.Add(new("Quantity", "The quantity must be at least 1."));
        }
        if (!Enum.IsDefined(source))
        {
            errors.Add(new("Source", $"Source {(int)source} does not exist."));
        }
        if (string.IsNullOrWhiteSpace(recordedBy))
        {
            errors.Add(new("RecordedBy", "Who records it is required for the audit trail."));
        }
        else if (recordedBy.Trim().Length > MaxRecordedByLength)
        {
            errors.Add(new("RecordedBy", $"The name of who records it is longer than {MaxRecordedByLength} characters."));
        }
    }

    private static void CheckText(string? text, int maxLength, string field, string label, List<FulfilmentError> errors)
    {
        if (PlainText.HasControlCharacter(text))
        {
            errors.Add(new(field, $"The {label} contains a control character. {PlainText.ControlCharacterMessage}"));
        }
        else if (text?.Trim().Length > maxLength)
        {
            errors.Add(new(field, $"The {label} has {text.Trim().Length} characters; at most {maxLength} are allowed."));
        }
    }

    private static string? NullIfEmpty(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();
}
