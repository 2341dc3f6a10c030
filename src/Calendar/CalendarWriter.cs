using System.Globalization;
using Ical.Net;
using Ical.Net.CalendarComponents;
using Ical.Net.DataTypes;
using Ical.Net.Serialization;
using IcalCalendar = Ical.Net.Calendar;

namespace BacklogPortal.Calendar;

/// <summary>One order line's expected delivery, as a calendar shows it.</summary>
public sealed record CalendarEntry(
    int LineId,
    string OrderNumber,
    string Sku,
    string ProductName,
    int QuantityOpen,
    DateOnly Eta,
    int ChangeCount,
    string OrderUrl);

/// <summary>
/// The one iCalendar (RFC 5545) writer of the portal, for the email attachment, a line's download and the
/// personal feed: one all-day event per line with a known date. The UID is per line (<c>line-{id}@{host}</c>)
/// and the SEQUENCE its change count, so a calendar that holds the entry from an email, a download or an
/// earlier poll of the feed moves it instead of adding a second one.
/// </summary>
public static class CalendarWriter
{
    public const string ContentType = "text/calendar; charset=utf-8";

    /// <param name="entries">The lines; a line whose date is not yet known has no entry, so no event.</param>
    /// <param name="host">The portal's host, as in the emails' Message-IDs.</param>
    /// <param name="stamp">When the file was written (DTSTAMP).</param>
    /// <param name="feedName">For a subscribed feed: the calendar's name and a refresh hint; null for a single file.</param>
    public static string Write(IEnumerable<CalendarEntry> entries, CultureInfo culture, string host, DateTimeOffset stamp, string? feedName = null)
    {
        var german = culture.TwoLetterISOLanguageName == "de";
        var calendar = new IcalCalendar
        {
            ProductId = "-//BacklogPortal//Delivery dates//EN",
            Method = "PUBLISH",
        };
        calendar.AddProperty("CALSCALE", "GREGORIAN");
        if (feedName is not null)
        {
            // Hints for Outlook and Apple (X-PUBLISHED-TTL) and the RFC 7986 form: check again every hour.
            calendar.AddProperty("X-WR-CALNAME", feedName);
            calendar.AddProperty("X-PUBLISHED-TTL", "PT1H");
            calendar.AddProperty("REFRESH-INTERVAL;VALUE=DURATION", "PT1H");
        }
        var dtStamp = new CalDateTime(stamp.UtcDateTime);
        foreach (var entry in entries)
        {
            var quantity = entry.QuantityOpen.ToString("N0", culture);
            calendar.Events.Add(new CalendarEvent
            {
                Uid = $"line-{entry.LineId}@{host}",
                Sequence = entry.ChangeCount,
                DtStamp = dtStamp,
                DtStart = new CalDateTime(entry.Eta),
                DtEnd = new CalDateTime(entry.Eta.AddDays(1)),
                Summary = german
                    ? $"Voraussichtliche Lieferung: {entry.ProductName} ({entry.OrderNumber})"
                    : $"Expected delivery: {entry.ProductName} ({entry.OrderNumber})",
                Description = german
                    ? $"Auftrag {entry.OrderNumber}, {entry.Sku}, offen: {quantity}"
                    : $"Order {entry.OrderNumber}, {entry.Sku}, open: {quantity}",
                Url = new Uri(entry.OrderUrl),
                // A delivery date is a reminder, not a meeting: it never shows the day as busy.
                Transparency = TransparencyType.Transparent,
            });
        }
        return new CalendarSerializer().SerializeToString(calendar) ?? "";
    }

    /// <summary>The host in UIDs: the same for every writer, derived from <c>Portal:PublicBaseUrl</c>.</summary>
    public static string HostOf(string publicBaseUrl) => new Uri(publicBaseUrl).IdnHost;
}
