namespace BacklogPortal.Domain;

/// <summary>A buying organisation. Several portal users may belong to one customer.</summary>
[Index(nameof(Number), IsUnique = true)]
public class Customer
{
    public const int MaxNumberLength = 40;
    public const int MaxNameLength = 200;
    public const int MaxNotificationEmailLength = 256;
    public const int MaxCultureLength = 20;
    public const int MaxTimeZoneIdLength = 64;

    public int Id { get; set; }

    /// <summary>The ERP's customer number: the natural key integrations use.</summary>
    [MaxLength(MaxNumberLength)]
    public required string Number { get; set; }

    [MaxLength(MaxNameLength)]
    public required string Name { get; set; }

    /// <summary>
    /// The account's address on file in the ERP (set through the API, read-only in the portal). It receives the
    /// notices beside the users' own addresses and the confirmed <see cref="NotificationRecipients"/>
    /// (docs/decisions/011-notification-recipients.md).
    /// </summary>
    [MaxLength(MaxNotificationEmailLength)]
    public string? NotificationEmail { get; set; }

    public NotificationPreference NotificationPreference { get; set; } = NotificationPreference.Immediate;

    /// <summary>The local hour (0–23, in <see cref="TimeZoneId"/>) of the daily digest; null: <c>Notifications:DigestTimeOfDay</c>.</summary>
    public int? DigestHour { get; set; }

    /// <summary>BCP 47 culture used for dates and texts in emails, e.g. "en-US" or "de-DE".</summary>
    [MaxLength(MaxCultureLength)]
    public string Culture { get; set; } = "en-US";

    /// <summary>IANA time zone id used for dates in emails, e.g. "Europe/Berlin".</summary>
    [MaxLength(MaxTimeZoneIdLength)]
    public string TimeZoneId { get; set; } = "UTC";

    public List<Order> Orders { get; set; } = [];

    public List<NotificationRecipient> NotificationRecipients { get; set; } = [];
}

public enum NotificationPreference
{
    /// <summary>An email soon after every change (after the coalescing window).</summary>
    Immediate = 0,

    /// <summary>One email a day with all changes.</summary>
    DailyDigest = 1,

    /// <summary>Only notices that need a decision (consent) or are required by law.</summary>
    EssentialOnly = 2,
}
