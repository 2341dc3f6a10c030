using System.Globalization;

namespace BacklogPortal.Notifications.Templates;

/// <summary>Everything one notification email says, already decided; the templates only lay it out.</summary>
public sealed record EmailContent
{
    public required NotificationKind Kind { get; init; }

    public required string CustomerName { get; init; }

    /// <summary>The one person the email goes to, when it goes to one user with a name; null: a neutral greeting.</summary>
    public string? RecipientName { get; init; }

    /// <summary>The customer's current choice on the settings page; the footer states it.</summary>
    public NotificationPreference Preference { get; init; }

    public required CultureInfo Culture { get; init; }

    public required TimeZoneInfo TimeZone { get; init; }

    /// <summary>When the email was composed; shown in the customer's time zone ("as of").</summary>
    public required DateTimeOffset ComposedAt { get; init; }

    /// <summary>Affected orders in order-number order, each with its lines.</summary>
    public required IReadOnlyList<EmailOrder> Orders { get; init; }

    public required string PortalUrl { get; init; }

    public required string SettingsUrl { get; init; }

    /// <summary>Changed lines left out of a long email (see <c>Notifications:MaxLinesPerEmail</c>); the portal has them all.</summary>
    public int UnlistedLines { get; init; }

    /// <summary>Orders none of whose lines made it into a long email.</summary>
    public IReadOnlyList<string> UnlistedOrders { get; init; } = [];

    /// <summary>For the daily digest: when the next one goes out.</summary>
    public DateTimeOffset? NextDigestAt { get; init; }

    public IEnumerable<EmailLine> Lines => Orders.SelectMany(o => o.Lines);

    /// <summary>Every changed line the email is about, listed or not.</summary>
    public int LineCount => Orders.Sum(o => o.Lines.Count) + UnlistedLines;

    /// <summary>The lines whose date is the news (lines left out of a long email count as such).</summary>
    public int DateLineCount => Lines.Count(l => l.HasDateNews) + UnlistedLines;
}

public sealed record EmailOrder(string OrderNumber, string OrderUrl, IReadOnlyList<EmailLine> Lines);

/// <summary>One order line and what happened to its date since the customer last heard from us.</summary>
public sealed record EmailLine
{
    public required int LineId { get; init; }

    public required string OrderNumber { get; init; }

    public required string Sku { get; init; }

    public required string ProductName { get; init; }

    public required int QuantityOpen { get; init; }

    /// <summary>The date promised when the order was taken; null when none was given.</summary>
    public DateOnly? PromisedDate { get; init; }

    /// <summary>The date the customer knew before (for an overdue line: the date that passed).</summary>
    public DateOnly? OldEta { get; init; }

    /// <summary>The date now expected; null: not yet known.</summary>
    public DateOnly? NewEta { get; init; }

    public required LineNews News { get; init; }

    public EtaReasonCode? ReasonCode { get; init; }

    public string? ReasonText { get; init; }

    /// <summary>The customer must expressly accept the new date (or cancel): the FTC rule's second or long delay.</summary>
    public bool ConsentNeeded { get; init; }

    public required string AcceptUrl { get; init; }

    public required string CancelUrl { get; init; }

    /// <summary>How many times this line's date moved; the calendar entry's SEQUENCE, so calendars replace older versions.</summary>
    public int ChangeCount { get; init; }

    /// <summary>A delay (later or no longer known) must offer the option to cancel.</summary>
    public bool IsDelay => News is LineNews.Later or LineNews.DateNowUnknown or LineNews.Overdue;

    /// <summary>Shipments of this line since the customer last heard from us, oldest first.</summary>
    public IReadOnlyList<EmailShipment> Shipments { get; init; } = [];

    /// <summary>Open quantity cancelled by the seller (staff or the ERP) since the customer last heard from us.</summary>
    public IReadOnlyList<EmailCancellation> Cancellations { get; init; } = [];

    /// <summary>False when only a shipment or cancellation is news: the date rows, badge and answer links are left out.</summary>
    public bool HasDateNews => News != LineNews.DateUnchanged;

    public int? DaysMoved => OldEta is { } old && NewEta is { } now ? now.DayNumber - old.DayNumber : null;

    /// <summary>The portal's slip: days between the promised date and the new one (the consent rule counts from the promise).</summary>
    public int? DaysLateAgainstPromised => LineRules.SlipDays(PromisedDate, NewEta);
}

public enum LineNews
{
    Later,
    Earlier,
    DateNowKnown,
    DateNowUnknown,
    Overdue,

    /// <summary>The date did not change; the line is in the email for a shipment or cancellation.</summary>
    DateUnchanged,
}

/// <summary>Units that left for the customer, with carrier and tracking number where given.</summary>
public sealed record EmailShipment(int Quantity, DateOnly ShippedOn, string? Carrier, string? TrackingNumber);

/// <summary>Open units the seller cancelled, and why.</summary>
public sealed record EmailCancellation(int Quantity, string? Reason);
