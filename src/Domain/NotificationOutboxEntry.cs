namespace BacklogPortal.Domain;

/// <summary>
/// The transactional outbox: one row per event that may need to reach a customer, written in the
/// same transaction as the change that caused it. The notification dispatcher turns due rows into
/// emails; a row is never deleted before its email is recorded as handled.
/// </summary>
public class NotificationOutboxEntry
{
    public long Id { get; set; }

    public int CustomerId { get; set; }

    public NotificationKind Kind { get; set; }

    public int? OrderLineId { get; set; }

    public long? EtaChangeId { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>When the dispatcher took this entry into an email (or found nothing to tell); null while still waiting.</summary>
    public DateTimeOffset? ProcessedAt { get; set; }

    /// <summary>The email this entry became part of; null while waiting or when nothing was sent (e.g. a date that moved back).</summary>
    public long? NotificationId { get; set; }
}

public enum NotificationKind
{
    EtaChanged = 0,
    OverdueReminder = 1,
    DailyDigest = 2,
}
