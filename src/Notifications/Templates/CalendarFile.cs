using System.Globalization;
using System.Text;

namespace BacklogPortal.Notifications.Templates;

/// <summary>
/// The .ics attachment (RFC 5545): one all-day event per line with a known new date. The UID is
/// per line and the SEQUENCE its change count, so a calendar that imported an earlier email moves
/// the entry instead of adding a second one.
/// </summary>
public static class CalendarFile
{
    public static string? Write(EmailContent content, EmailTexts texts, string host)
    {
        var dated = content.Lines.Where(l => l.NewEta is not null && l.News != LineNews.Overdue).ToList();
        if (dated.Count == 0)
        {
            return null;
        }
        var ics = new StringBuilder();
        Line(ics, "BEGIN:VCALENDAR");
        Line(ics, "VERSION:2.0");
        Line(ics, "PRODID:-//BacklogPortal//Delivery dates//EN");
        Line(ics, "CALSCALE:GREGORIAN");
        Line(ics, "METHOD:PUBLISH");
        var stamp = content.ComposedAt.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        foreach (var line in dated)
        {
            var date = line.NewEta!.Value;
            Line(ics, "BEGIN:VEVENT");
            Line(ics, $"UID:line-{line.LineId}@{host}");
            Line(ics, $"SEQUENCE:{line.ChangeCount}");
            Line(ics, $"DTSTAMP:{stamp}");
            Line(ics, $"DTSTART;VALUE=DATE:{date.ToString("yyyyMMdd", CultureInfo.InvariantCulture)}");
            Line(ics, $"DTEND;VALUE=DATE:{date.AddDays(1).ToString("yyyyMMdd", CultureInfo.InvariantCulture)}");
            Line(ics, $"SUMMARY:{Escape(texts.CalendarSummary(line))}");
            Line(ics, $"DESCRIPTION:{Escape($"{texts.Order(line.OrderNumber)}, {line.Sku}, {texts.Quantity(line.QuantityOpen)}")}");
            Line(ics, $"URL:{content.Orders.First(o => o.OrderNumber == line.OrderNumber).OrderUrl}");
            Line(ics, "TRANSP:TRANSPARENT");
            Line(ics, "END:VEVENT");
        }
        Line(ics, "END:VCALENDAR");
        return ics.ToString();
    }

    private static string Escape(string value) => value
        .Replace("\\", "\\\\", StringComparison.Ordinal)
        .Replace(";", "\\;", StringComparison.Ordinal)
        .Replace(",", "\\,", StringComparison.Ordinal)
        .ReplaceLineEndings("\\n");

    // Content lines are folded at 75 octets (not characters) with CRLF + space, never inside a UTF-8 sequence.
    private static void Line(StringBuilder ics, string content)
    {
        var bytes = 0;
        foreach (var rune in content.EnumerateRunes())
        {
            var size = rune.Utf8SequenceLength;
            if (bytes + size > 75)
            {
                ics.Append("\r\n ");
                bytes = 1;
            }
            ics.Append(rune.ToString());
            bytes += size;
        }
        ics.Append("\r\n");
    }
}
