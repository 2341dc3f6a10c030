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

    /// <summary>The message of an email whose finished MIME body was stored (<see cref="NotificationBody.MimeBody"/>).</summary>
    public static MimeMessage Build(Notification notification, byte[] mimeBody, MailboxAddress from, PortalLinks links)
    {
        var message = Headers(notification, from, links);
        // Rendered and 7-bit encoded once when the email was stored; MimeMessage adds MIME-Version.
        message.Body = StoredMimeBody.Read(mimeBody);
        return message;
    }

    /// <param name="body">The notification's <see cref="NotificationBody"/>, read beside the narrow row.</param>
    public static MimeMessage Build(Notification notification, NotificationBody body, MailboxAddress from, PortalLinks links)
    {
        if (body.MimeBody is { } stored)
        {
            return Build(notification, stored, from, links);
        }
        var message = Headers(notification, from, links);
        // A row stored before MimeBody existed: built from its parts, as every email was before.
        message.Body = Parts(body.HtmlBody, body.TextBody, body.CalendarIcs).ToMessageBody();
        // Declares the transfer encoding of every part (8bit where the text allows it), so the
        // message is valid as a file in the pickup folder too; the SMTP client re-encodes to 7bit for
        // a server without 8BITMIME.
        message.Prepare(EncodingConstraint.EightBit, maxLineLength: 998);
        return message;
    }

    /// <summary>The headers of every attempt: all from the record, so a resend is the same email.</summary>
    private static MimeMessage Headers(Notification notification, MailboxAddress from, PortalLinks links)
    {
        var message = new MimeMessage();
        // A copy per message: an address list subscribes to every address added to it (InternetAddress.Changed) and
        // never lets go, so the one From address of a long-lived dispatcher gathered a handler per email ever sent,
        // each send copying the whole, ever longer, handler list (quadratic; after ~10,000 sends on the large object heap).
        message.From.Add(new MailboxAddress(from.Name, from.Address));
        message.To.AddRange(InternetAddressList.Parse(notification.ToAddress));
        message.Subject = notification.Subject;
        message.MessageId = notification.MessageId ?? links.MessageId(notification.Id);
        message.Date = notification.CreatedAt;
        // RFC 3834: automatic mail; out-of-office responders should not answer it.
        message.Headers.Add("Auto-Submitted", "auto-generated");
        message.Headers.Add("X-BacklogPortal-Notification", notification.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
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
