using BacklogPortal.Calendar;

namespace BacklogPortal.Notifications.Templates;

/// <summary>
/// The .ics attachment: the email's lines with a known new date, written by the portal's one calendar writer
/// (<see cref="CalendarWriter"/>), so the attachment, a line's download and the calendar feed share UIDs and SEQUENCE.
/// </summary>
public static class CalendarFile
{
    public static string? Write(EmailContent content, string host)
    {
        var dated = content.Lines
            .Where(l => l.NewEta is not null && l.HasDateNews && l.News != LineNews.Overdue)
            .Select(l => new CalendarEntry(l.LineId, l.OrderNumber, l.Sku, l.ProductName, l.QuantityOpen, l.NewEta!.Value, l.ChangeCount,
                content.Orders.First(o => o.OrderNumber == l.OrderNumber).OrderUrl))
            .ToList();
        return dated.Count == 0 ? null : CalendarWriter.Write(dated, content.Culture, host, content.ComposedAt);
    }
}
