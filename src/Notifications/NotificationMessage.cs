using System.Text;
using MimeKit;

namespace BacklogPortal.Notifications;

/// <summary>
/// Builds the MIME message of a stored notification. Everything comes from the record (parts,
/// calendar file, Message-ID, date), so every attempt and every resend after a crash sends the
/// same email.
/// </summary>
public static class NotificationMessage
{
    /// <summary>
    /// The stored content of a new email: the parts (for <c>/staff/notifications</c>) and, rendered from them
    /// once, the finished MIME body the dispatcher sends (<see cref="NotificationBody.MimeBody"/>).
    /// </summary>
    public static NotificationBody NewBody(string htmlBody, string textBody, string? calendarIcs = null) => new()
    {
        HtmlBody = htmlBody,
        TextBody = textBody,
        CalendarIcs = calendarIcs,
        MimeBody = StoredMimeBody.Render(htmlBody, textBody, calendarIcs),
    };

    /// <param name="body">The notification's <see cref="NotificationBody"/>, read beside the narrow row.</param>
    public static MimeMessage Build(Notification notification, NotificationBody body, MailboxAddress from, PortalLinks links)
    {
        var message = new MimeMessage();
        message.From.Add(from);
        message.To.AddRange(InternetAddressList.Parse(notification.ToAddress));
        message.Subject = notification.Subject;
        message.MessageId = notification.MessageId ?? links.MessageId(notification.Id);
        message.Date = notification.CreatedAt;
        // RFC 3834: automatic mail; out-of-office responders should not answer it.
        message.Headers.Add("Auto-Submitted", "auto-generated");
        message.Headers.Add("X-BacklogPortal-Notification", notification.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));

        if (body.MimeBody is { } stored)
        {
            // Rendered and 7-bit encoded once when the email was stored; MimeMessage adds MIME-Version.
            message.Body = StoredMimeBody.Read(stored);
            return message;
        }

        // A row stored before MimeBody existed: built from its parts, as every email was before.
        message.Body = Parts(body.HtmlBody, body.TextBody, body.CalendarIcs).ToMessageBody();
        // Declares the transfer encoding of every part (8bit where the text allows it), so the
        // message is valid as a file in the pickup folder too; the SMTP client re-encodes to 7bit for
        // a server without 8BITMIME.
        message.Prepare(EncodingConstraint.EightBit, maxLineLength: 998);
        return message;
    }

    /// <summary>Text and HTML as alternatives, the calendar file (when there is one) attached.</summary>
    internal static BodyBuilder Parts(string htmlBody, string textBody, string? calendarIcs)
    {
        var parts = new BodyBuilder { TextBody = textBody, HtmlBody = htmlBody };
        if (calendarIcs is { } ics)
        {
            var calendar = new ContentType("text", "calendar") { Charset = "utf-8" };
            calendar.Parameters.Add("method", "PUBLISH");
            parts.Attachments.Add("delivery-dates.ics", Encoding.UTF8.GetBytes(ics), calendar);
        }
        return parts;
    }
}
