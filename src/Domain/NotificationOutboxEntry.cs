namespace BacklogPortal.Domain;

/// <summary>
/// The transactional outbox: one row per event that may need to reach a customer, written in the
/// same transaction as the change that caused it. The notification composer turns due rows into
/// emails (which the dispatcher then sends); a row is never deleted before it is recorded as handled.
/// </summary>
public class NotificationOutboxEntry
{
    /// <summary>
    /// Version 00 of the W3C <c>traceparent</c> header is exactly this long (<c>00-</c>, 32 hex trace id, <c>-</c>,
    /// 16 hex span id, <c>-</c>, 2 hex flags). A longer value (a later version) is not stored rather than cut.
    /// </summary>
    public const int MaxTraceParentLength = 55;

    public long Id { get; set; }

    public int CustomerId { get; set; }

    public NotificationKind Kind { get; set; }

    public int? OrderLineId { get; set; }

    public long? EtaChangeId { get; set; }

    /// <summary>The audit row of the change; lets one SaveChanges write the change and its entry together.</summary>
    public EtaChange? EtaChange { get; set; }

    /// <summary>For <see cref="NotificationKind.ShipmentRecorded"/>: the shipment the customer hears of.</summary>
    public long? LineShipmentId { get; set; }

    public LineShipment? LineShipment { get; set; }

    /// <summary>For <see cref="NotificationKind.QuantityCancelled"/>: the cancellation by staff or the ERP the customer hears of.</summary>
    public long? LineCancellationId { get; set; }

    public LineCancellation? LineCancellation { get; set; }

    /// <summary>
    /// For <see cref="NotificationKind.OverdueReminder"/>: the ETA that passed. One reminder per line
    /// and ETA (unique index), so a line that stays overdue is not reminded about every day.
    /// </summary>
    public DateOnly? Eta { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>When the composer took this entry into an email (or found nothing to tell); null while still waiting.</summary>
    public DateTimeOffset? ProcessedAt { get; set; }

    /// <summary>The email this entry became part of; null while waiting or when nothing was sent (e.g. a date that moved back).</summary>
    public long? NotificationId { get; set; }

    /// <summary>
    /// The W3C <c>traceparent</c> of the change that wrote this entry (its <c>EtaChange</c> span), so that the email
    /// composed later links back to it (decision 014); null when the writer ran outside any trace.
    /// </summary>
    [MaxLength(MaxTraceParentLength), Unicode(false)]
    public string? TraceParent { get; set; }
}


public enum NotificationKind
{
    /// <summary>An ETA moved (outbox entry) / an email about moved ETAs (notification).</summary>
    EtaChanged = 0,

    /// <summary>An open line's ETA passed without shipment or a new ETA: "overdue, we are checking".</summary>
    OverdueReminder = 1,

    /// <summary>A notification only: the once-a-day email for customers who chose the digest.</summary>
    DailyDigest = 2,

    /// <summary>A notification only: an email about a person's account (confirm address, reset password, invitation, ...); carries a link token.</summary>
    AccountEmail = 3,

    /// <summary>A notification only: confirms to the customer the answer they gave to a delay (accept or cancel).</summary>
    AnswerConfirmation = 4,

    /// <summary>A shipment was recorded (outbox entry) / an email that tells only of shipments (notification).</summary>
    ShipmentRecorded = 5,

    /// <summary>Staff or the ERP cancelled open quantity (outbox entry) / an email that tells only of cancellations, or of shipments and cancellations (notification).</summary>
    QuantityCancelled = 6,
}
