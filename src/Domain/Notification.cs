namespace BacklogPortal.Domain;

/// <summary>
/// One email to one customer, composed from one or more outbox entries. Its content is rendered
/// once and stored, so a retry or a resend after a crash sends the very same message (same
/// Message-ID), and staff see exactly what the customer got.
/// </summary>
public class Notification
{
    /// <summary>Several addresses when the customer's users receive the notice (comma-separated).</summary>
    public const int MaxToAddressLength = 2000;

    public const int MaxSubjectLength = 400;

    public const int MaxLeaseOwnerLength = 100;

    public const int MaxLastErrorLength = 2000;

    public const int MaxMessageIdLength = 200;

    public long Id { get; set; }

    public int CustomerId { get; set; }

    public NotificationKind Kind { get; set; }

    public required string ToAddress { get; set; }

    public required string Subject { get; set; }

    public required string HtmlBody { get; set; }

    public required string TextBody { get; set; }

    /// <summary>The .ics attachment (RFC 5545) with the new dates, when any line has one; part of every attempt.</summary>
    public string? CalendarIcs { get; set; }

    public NotificationStatus Status { get; set; } = NotificationStatus.Pending;

    public int Attempts { get; set; }

    /// <summary>Not to be tried before this instant (backoff after a transient failure).</summary>
    public DateTimeOffset NextAttemptAt { get; set; }

    /// <summary>The dispatcher instance that holds the claim, until <see cref="LeaseExpiresAt"/>.</summary>
    public string? LeaseOwner { get; set; }

    public DateTimeOffset? LeaseExpiresAt { get; set; }

    public string? LastError { get; set; }

    public DateTimeOffset? LastAttemptAt { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? SentAt { get; set; }

    /// <summary>Derived from <see cref="Id"/>: a resend of the same record carries the same Message-ID.</summary>
    public string? MessageId { get; set; }
}

public enum NotificationStatus
{
    Pending = 0,
    Retrying = 1,
    Sent = 2,
    Failed = 3,
}
