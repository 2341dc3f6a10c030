namespace BacklogPortal.Domain;

/// <summary>
/// One email the portal sends: to a customer (composed from one or more outbox entries, or the
/// confirmation of an answer) or to one person about their account (confirm address, reset password,
/// invitation). Its content is rendered once and stored in <see cref="NotificationBody"/>, so a retry or
/// a resend after a crash sends the very same message (same Message-ID). The dispatcher claims and
/// records this narrow row only; the body is written once and read once per attempt.
/// </summary>
public class Notification
{
    /// <summary>Several addresses when the customer's users receive the notice (comma-separated).</summary>
    public const int MaxToAddressLength = 2000;

    public const int MaxSubjectLength = 400;

    public const int MaxLeaseOwnerLength = 100;

    public const int MaxLastErrorLength = 2000;

    public const int MaxMessageIdLength = 200;

    public const int MaxTraceParentLength = NotificationOutboxEntry.MaxTraceParentLength;

    public long Id { get; set; }

    /// <summary>The customer the email is about; null for an account email to a person without one (staff, a new registration).</summary>
    public int? CustomerId { get; set; }

    public NotificationKind Kind { get; set; }

    [MaxLength(MaxToAddressLength)]
    public required string ToAddress { get; set; }

    [MaxLength(MaxSubjectLength)]
    public required string Subject { get; set; }

    /// <summary>Written with the notification, never updated; null only on a row read without it.</summary>
    public NotificationBody? Body { get; set; }

    public NotificationStatus Status { get; set; } = NotificationStatus.Pending;

    public int Attempts { get; set; }

    /// <summary>Not to be tried before this instant (backoff after a transient failure).</summary>
    public DateTimeOffset NextAttemptAt { get; set; }

    /// <summary>The dispatcher instance that holds the claim, until <see cref="LeaseExpiresAt"/>.</summary>
    [MaxLength(MaxLeaseOwnerLength)]
    public string? LeaseOwner { get; set; }

    public DateTimeOffset? LeaseExpiresAt { get; set; }

    [MaxLength(MaxLastErrorLength)]
    public string? LastError { get; set; }

    public DateTimeOffset? LastAttemptAt { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? SentAt { get; set; }

    /// <summary>Derived from <see cref="Id"/>: a resend of the same record carries the same Message-ID.</summary>
    [MaxLength(MaxMessageIdLength)]
    public string? MessageId { get; set; }

    /// <summary>
    /// The W3C <c>traceparent</c> of the work that made this email (the composer's <c>ComposeEmail</c> span, or the
    /// request that queued an account email); every <c>SendEmail</c> span of it is a child of this context
    /// (decision 014). Null when no trace was recorded.
    /// </summary>
    [MaxLength(MaxTraceParentLength), Unicode(false)]
    public string? TraceParent { get; set; }
}

/// <summary>The rendered content of a <see cref="Notification"/>, in a table of its own (written once, see there).</summary>
public class NotificationBody
{
    public long NotificationId { get; set; }

    public required string HtmlBody { get; set; }

    public required string TextBody { get; set; }

    /// <summary>The .ics attachment (RFC 5545) with the new dates, when any line has one; part of every attempt.</summary>
    public string? CalendarIcs { get; set; }

    /// <summary>
    /// The finished MIME body entity made of the three above (the multipart with its own <c>Content-Type</c>
    /// header, every part 7-bit), rendered once when the email is stored: the dispatcher sends these bytes
    /// behind the headers it writes per email, instead of building and encoding the parts again on every
    /// attempt (decision 010). Null on rows written before it existed; those are built from the parts.
    /// The parts stay for <c>/staff/notifications</c>, which shows the text and HTML.
    /// </summary>
    public byte[]? MimeBody { get; set; }
}

public enum NotificationStatus
{
    Pending = 0,
    Retrying = 1,
    Sent = 2,
    Failed = 3,
}

public static class NotificationRules
{
    /// <summary>
    /// Account emails carry a link token (confirm an address, set a password) that works for whoever
    /// holds it: staff see who got one, when and with what outcome, never the body.
    /// </summary>
    public static bool BodyVisibleToStaff(NotificationKind kind) => kind != NotificationKind.AccountEmail;
}
