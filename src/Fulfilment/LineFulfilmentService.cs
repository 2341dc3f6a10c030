using BacklogPortal.Data;
using BacklogPortal.Notifications;
using BacklogPortal.Telemetry;
using Microsoft.EntityFrameworkCore.Query;

namespace BacklogPortal.Fulfilment;

/// <summary>
/// The one write path for shipping and cancelling open quantity, from the staff pages and the ERP API alike. A call
/// names one line or many (a selection, a whole order) and is one transaction, all or nothing: per line a guarded
/// UPDATE (open, enough open quantity, the version the caller saw), the audit row (shipment with carrier and
/// tracking, or cancellation with reason; who, how, when), the ERP events-feed entry and, unless the customer acted
/// themselves, the outbox entry the composer turns into the customer's email. Partial shipments keep the line open
/// as PartiallyShipped; nothing left open makes it Shipped (or Cancelled when nothing ever shipped), and it leaves
/// the backlog.
/// </summary>
public sealed class LineFulfilmentService(
    IDbContextFactory<PortalDbContext> dbFactory,
    OutboxSignal outboxSignal,
    TimeProvider clock,
    ILogger<LineFulfilmentService> logger)
{
    /// <summary>Most lines in one call: a selection on /staff/lines is limited the same way (one statement per line).</summary>
    public const int MaxLinesPerCall = DatabaseLimits.MaxIdsPerStatement;

    /// <summary>How far back a shipment date may lie; later than today is refused.</summary>
    public const int MaxShippedDaysAgo = 366;

    public const string ConflictMessage =
        "This line was changed by someone else meanwhile. Nothing was saved; reload the line and try again.";

    public async Task<FulfilmentResult> RecordShipmentAsync(ShipmentRequest request, CancellationToken cancellationToken = default) =>
        Single(await RecordShipmentsAsync([request], cancellationToken));

    public async Task<FulfilmentResult> CancelOpenQuantityAsync(CancellationRequest request, CancellationToken cancellationToken = default) =>
        Single(await CancelOpenQuantitiesAsync([request], cancellationToken));

    /// <summary>Records shipments of several lines in one transaction: every one or none.</summary>
    public Task<FulfilmentBatchResult> RecordShipmentsAsync(IReadOnlyList<ShipmentRequest> requests, CancellationToken cancellationToken = default)
    {
        var now = clock.GetUtcNow();
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        return CheckThenRecordAsync(Verb.Ship, requests, (request, errors) =>
            {
                if (request.ShippedOn > today)
                {
                    errors.Add(new(nameof(request.ShippedOn), $"The shipping date {request.ShippedOn:yyyy-MM-dd} is in the future."));
                }
                else if (request.ShippedOn < today.AddDays(-MaxShippedDaysAgo))
                {
                    errors.Add(new(nameof(request.ShippedOn), $"The shipping date {request.ShippedOn:yyyy-MM-dd} is more than a year ago; check the year."));
                }
                CheckText(request.Carrier, LineShipment.MaxCarrierLength, nameof(request.Carrier), "carrier", errors);
                CheckText(request.TrackingNumber, LineShipment.MaxTrackingNumberLength, nameof(request.TrackingNumber), "tracking number", errors);
            },
            (request, by) => new LineWrite(request,
                s => s
                    .SetProperty(l => l.QuantityShipped, l => l.QuantityShipped + request.Quantity)
                    .SetProperty(l => l.Status, l => l.QuantityOrdered - l.QuantityShipped - l.QuantityCancelled == request.Quantity
                        ? LineStatus.Shipped
                        : LineStatus.PartiallyShipped),
                () => new LineShipment
                {
                    OrderLineId = request.LineId,
                    Quantity = request.Quantity,
                    ShippedOn = request.ShippedOn,
                    Carrier = NullIfEmpty(request.Carrier),
                    TrackingNumber = NullIfEmpty(request.TrackingNumber),
                    Source = request.Source,
                    RecordedBy = by,
                    RecordedAt = now,
                },
                new LineEvent(request.LineId, IntegrationEventType.ShipmentRecorded, request.Source, by, now, Quantity: request.Quantity,
                    ShippedOn: request.ShippedOn, Carrier: NullIfEmpty(request.Carrier), TrackingNumber: NullIfEmpty(request.TrackingNumber))),
            cancellationToken);
    }

    /// <summary>Cancels open quantity of several lines in one transaction: every one or none.</summary>
    public Task<FulfilmentBatchResult> CancelOpenQuantitiesAsync(IReadOnlyList<CancellationRequest> requests, CancellationToken cancellationToken = default)
    {
        var now = clock.GetUtcNow();
        return CheckThenRecordAsync(Verb.Cancel, requests,
            (request, errors) => CheckText(request.Reason, LineCancellation.MaxReasonLength, nameof(request.Reason), "reason", errors),
            (request, by) => new LineWrite(request,
                s => s
                    .SetProperty(l => l.QuantityCancelled, l => l.QuantityCancelled + request.Quantity)
                    // Nothing left open: complete as Shipped when some units went out, otherwise Cancelled.
                    .SetProperty(l => l.Status, l => l.QuantityOrdered - l.QuantityShipped - l.QuantityCancelled == request.Quantity
                        ? (l.QuantityShipped > 0 ? LineStatus.Shipped : LineStatus.Cancelled)
                        : l.Status),
                () => new LineCancellation
                {
                    OrderLineId = request.LineId,
                    Quantity = request.Quantity,
                    Reason = NullIfEmpty(request.Reason),
                    Source = request.Source,
                    RecordedBy = by,
                    RecordedAt = now,
                },
                new LineEvent(request.LineId, IntegrationEventType.QuantityCancelled, request.Source, by, now, Quantity: request.Quantity, Reason: NullIfEmpty(request.Reason))),
            cancellationToken);
    }

    /// <summary>
    /// Both writes' checks (the batch, then per line the rules they share and <paramref name="check"/>, every error
    /// named with its line) and, only when all pass, the one transaction of <paramref name="write"/>'s lines.
    /// </summary>
    private async Task<FulfilmentBatchResult> CheckThenRecordAsync<TRequest>(
        Verb verb, IReadOnlyList<TRequest> requests, Action<TRequest, List<FulfilmentError>> check,
        Func<TRequest, string, LineWrite> write, CancellationToken cancellationToken)
        where TRequest : ILineFulfilmentRequest
    {
        var errors = CheckBatch(requests.Select(r => r.LineId).ToList());
        foreach (var request in requests)
        {
            var lineErrors = new List<FulfilmentError>();
            ValidateCommon(request.Quantity, request.Source, request.RecordedBy, lineErrors);
            check(request, lineErrors);
            errors.AddRange(lineErrors.Select(e => e with { LineId = request.LineId }));
        }
        if (errors.Count > 0)
        {
            return FulfilmentBatchResult.InvalidBecause(errors);
        }
        return await RecordAsync(verb, [.. requests.Select(request => write(request, request.RecordedBy.Trim()))], cancellationToken);
    }

    private enum Verb
    {
        Ship,
        Cancel,
    }

    /// <summary>
    /// One line's part of a call: its guard (from the request), its update (the version bump is added to every one), a
    /// fresh audit record for every attempt, its feed entry.
    /// </summary>
    private sealed record LineWrite(
        ILineFulfilmentRequest Request,
        Action<UpdateSettersBuilder<OrderLine>> Update,
        Func<LineFulfilmentRecord> NewRecord,
        LineEvent Event)
    {
        public int LineId => Request.LineId;

        public long? ExpectedVersion => Request.ExpectedVersion;

        public int Quantity => Request.Quantity;

        public ChangeSource Source => Request.Source;
    }

    // One transaction for every line of the call; all or nothing. A transient SQL Server fault runs it again whole on a
    // fresh context (Data/UnitsOfWork). A commit that landed although its answer was lost is recognised by the first
    // line's audit row (same line, instant, who and quantity), never applied twice: the ERP sends no expected version,
    // so a second run would ship or cancel the quantity again.
    private async Task<FulfilmentBatchResult> RecordAsync(Verb verb, IReadOnlyList<LineWrite> writes, CancellationToken cancellationToken)
    {
        var first = writes[0].NewRecord();
        var result = await dbFactory.RunWithRetriesAsync(
            () => RecordOnceAsync(verb, writes, cancellationToken),
            () => CommittedAsync(verb, writes, first),
            cancellationToken);
        if (result.Succeeded && result.Lines.Count > 0)
        {
            // Only a hint after the commit; the composer polls anyway.
            outboxSignal.Notify();
        }
        return result;
    }

    private async Task<FulfilmentBatchResult> RecordOnceAsync(Verb verb, IReadOnlyList<LineWrite> writes, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        foreach (var write in writes)
        {
            var updated = await Target(db, write.LineId, write.ExpectedVersion, write.Quantity).ExecuteUpdateAsync(s =>
                {
                    write.Update(s);
                    s.SetProperty(l => l.Version, l => l.Version + 1);
                }, cancellationToken);
            if (updated != 1)
            {
                // Leaving without a commit rolls back every line updated so far.
                return await ExplainAsync(db, write, verb, writes.Count > 1, cancellationToken);
            }
        }

        var customers = await CustomersOfAsync(db, [.. writes.Select(w => w.LineId)], cancellationToken);
        var records = new List<LineFulfilmentRecord>(writes.Count);
        foreach (var write in writes)
        {
            var record = write.NewRecord();
            record.CustomerId = customers[write.LineId];
            records.Add(record);
            db.Add(record);
            // A customer who cancelled in the portal has their answer's confirmation; staff and the ERP tell the customer here.
            if (write.Source != ChangeSource.Customer)
            {
                db.NotificationOutbox.Add(OutboxEntry(record));
            }
        }
        await db.SaveChangesAsync(cancellationToken);
        foreach (var write in writes)
        {
            await EventFeed.AppendAsync(db, write.Event, cancellationToken);
        }
        var lines = await QuantitiesAsync(db, [.. writes.Select(w => w.LineId)], cancellationToken);
        // Past this point the change is made: a cancelled caller must not roll it back.
        await transaction.CommitAsync(CancellationToken.None);
        return Recorded(verb, writes, records.Select(r => r.Id).ToList(), lines);
    }

    private static NotificationOutboxEntry OutboxEntry(LineFulfilmentRecord record) => new()
    {
        CustomerId = record.CustomerId,
        Kind = record is LineShipment ? NotificationKind.ShipmentRecorded : NotificationKind.QuantityCancelled,
        OrderLineId = record.OrderLineId,
        LineShipment = record as LineShipment,
        LineCancellation = record as LineCancellation,
        CreatedAt = record.RecordedAt,
        // As for an ETA change: the email's spans link back to the request that recorded this (decision 014).
        TraceParent = EmailTraces.CurrentTraceParent(),
    };

    private async Task<(bool, FulfilmentBatchResult)> CommittedAsync(Verb verb, IReadOnlyList<LineWrite> writes, LineFulfilmentRecord first)
    {
        await using var db = await dbFactory.CreateDbContextAsync();
        IQueryable<LineFulfilmentRecord> records = first is LineShipment ? db.LineShipments : db.LineCancellations;
        var firstId = await records
            .Where(r => r.OrderLineId == first.OrderLineId && r.RecordedAt == first.RecordedAt && r.RecordedBy == first.RecordedBy && r.Quantity == first.Quantity)
            .Select(r => (long?)r.Id)
            .FirstOrDefaultAsync();
        if (firstId is null)
        {
            return (false, FulfilmentBatchResult.ConflictOn(null, ConflictMessage));
        }
        var lineIds = writes.Select(w => w.LineId).ToList();
        var ids = await records
            .Where(r => lineIds.Contains(r.OrderLineId) && r.RecordedAt == first.RecordedAt && r.RecordedBy == first.RecordedBy)
            .ToDictionaryAsync(r => r.OrderLineId, r => r.Id);
        return (true, Recorded(verb, writes, [.. lineIds.Select(id => ids[id])], await QuantitiesAsync(db, lineIds, CancellationToken.None)));
    }

    private FulfilmentBatchResult Recorded(Verb verb, IReadOnlyList<LineWrite> writes, IReadOnlyList<long> recordIds, IReadOnlyDictionary<int, LineQuantities> lines)
    {
        var done = verb == Verb.Ship ? "Shipped" : "Cancelled";
        var recorded = writes.Select((write, i) =>
        {
            var line = lines[write.LineId];
            logger.LogInformation("{Verb} of {Quantity} on line {LineId} recorded by {RecordedBy} via {Source}; {Open} open",
                verb, write.Quantity, write.LineId, write.Event.By, write.Source, line.Open);
            return new RecordedLine(write.LineId, recordIds[i], line, line.Open == 0
                ? $"{done} {write.Quantity:N0}: nothing of the line is left open."
                : $"{done} {write.Quantity:N0}; {line.Open:N0} still open.");
        }).ToList();
        if (recorded.Count == 1)
        {
            return FulfilmentBatchResult.Recorded(recorded, recorded[0].Message);
        }
        var units = writes.Sum(w => w.Quantity);
        var closed = recorded.Count(r => r.Line.Open == 0);
        var message = $"{done} {units:N0} units on {recorded.Count:N0} lines; "
            + (closed == recorded.Count ? "every one left the backlog." : $"{closed:N0} left the backlog, {recorded.Count - closed:N0} stay open.");
        return FulfilmentBatchResult.Recorded(recorded, message);
    }

    // The guard of both writes: the line is open, has at least the quantity open, and (for a person) is as they saw it.
    private static IQueryable<OrderLine> Target(PortalDbContext db, int lineId, long? expectedVersion, int quantity)
    {
        var line = db.OrderLines.Where(l => l.Id == lineId)
            .Where(LineRules.IsOpen)
            .Where(l => l.QuantityOrdered - l.QuantityShipped - l.QuantityCancelled >= quantity);
        return expectedVersion is { } version ? line.Where(l => l.Version == version) : line;
    }

    // Only reached when nothing will be written: says why, the most useful reason first, naming the line when there are several.
    private static async Task<FulfilmentBatchResult> ExplainAsync(
        PortalDbContext db, LineWrite write, Verb verb, bool nameTheLine, CancellationToken cancellationToken)
    {
        var current = await db.OrderLines.AsNoTracking().Where(l => l.Id == write.LineId)
            .Select(l => new { l.Status, l.Version, l.QuantityOrdered, l.QuantityShipped, l.QuantityCancelled, l.Order!.OrderNumber, l.LineNumber })
            .SingleOrDefaultAsync(cancellationToken);
        if (current is null)
        {
            return FulfilmentBatchResult.InvalidBecause([new FulfilmentError("LineId", "The line does not exist.", write.LineId)]);
        }
        var prefix = nameTheLine ? $"{current.OrderNumber} line {current.LineNumber}: " : "";
        if (write.ExpectedVersion is { } version && current.Version != version)
        {
            return FulfilmentBatchResult.ConflictOn(write.LineId, nameTheLine
                ? $"{prefix}changed by someone else meanwhile. Nothing was saved for any line; reload the lines and try again."
                : ConflictMessage);
        }
        var open = LineRules.OpenQuantity(current.QuantityOrdered, current.QuantityShipped, current.QuantityCancelled);
        var message = !LineRules.IsOpenStatus(current.Status) || open == 0
            ? $"{prefix}The line is {current.Status.ToString().ToLowerInvariant()}: nothing is open to {(verb == Verb.Ship ? "ship" : "cancel")}."
            : $"{prefix}Only {open:N0} of the line are open; {write.Quantity:N0} cannot be {(verb == Verb.Ship ? "shipped" : "cancelled")}.";
        return FulfilmentBatchResult.InvalidBecause([new FulfilmentError("Quantity", message, write.LineId)]);
    }

    private static async Task<Dictionary<int, int>> CustomersOfAsync(PortalDbContext db, IReadOnlyList<int> lineIds, CancellationToken cancellationToken) =>
        await db.OrderLines.Where(l => lineIds.Contains(l.Id)).ToDictionaryAsync(l => l.Id, l => l.CustomerId, cancellationToken);

    private static async Task<Dictionary<int, LineQuantities>> QuantitiesAsync(PortalDbContext db, IReadOnlyList<int> lineIds, CancellationToken cancellationToken) =>
        await db.OrderLines.AsNoTracking().Where(l => lineIds.Contains(l.Id))
            .ToDictionaryAsync(l => l.Id, l => new LineQuantities(l.QuantityOrdered, l.QuantityShipped, l.QuantityCancelled, l.Status, l.Version), cancellationToken);

    private static List<FulfilmentError> CheckBatch(IReadOnlyList<int> lineIds)
    {
        var errors = new List<FulfilmentError>();
        if (lineIds.Count == 0)
        {
            errors.Add(new("LineId", "Choose at least one line."));
        }
        else if (lineIds.Count > MaxLinesPerCall)
        {
            errors.Add(new("LineId", $"{lineIds.Count:N0} lines are more than {MaxLinesPerCall:N0} at once; record them in parts."));
        }
        else if (lineIds.Distinct().Count() != lineIds.Count)
        {
            errors.Add(new("LineId", "A line is named twice; give each line once with its whole quantity."));
        }
        return errors;
    }

    private static FulfilmentResult Single(FulfilmentBatchResult batch) => batch.Outcome switch
    {
        FulfilmentOutcome.Recorded => FulfilmentResult.Recorded(batch.Lines[0].RecordId, batch.Lines[0].Line, batch.Message),
        FulfilmentOutcome.Conflict => FulfilmentResult.ConflictOn(batch.Message),
        _ => FulfilmentResult.InvalidBecause([.. batch.Errors]),
    };

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
        else if (recordedBy.Trim().Length > LineFulfilmentRecord.MaxRecordedByLength)
        {
            errors.Add(new("RecordedBy", $"The name of who records it is longer than {LineFulfilmentRecord.MaxRecordedByLength} characters."));
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
