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

        var parts = new BodyBuilder { TextBody = body.TextBody, HtmlBody = body.HtmlBody };
        if (body.CalendarIcs is { } ics)
        {
            var calendar = new ContentType("text", "calendar") { Charset = "utf-8" };
            calendar.Parameters.Add("method", "PUBLISH");
            parts.Attachments.Add("delivery-dates.ics", Encoding.UTF8.GetBytes(ics), calendar);
        }
        message.Body = parts.ToMessageBody();
        // Declares the transfer encoding of every part (8bit where the text allows it), so the
        // message is valid as a file in the pickup folder too; the SMTP client re-encodes to 7bit for
        // a server without 8BITMIME.
        message.Prepare(EncodingConstraint.EightBit, maxLineLength: 998);
        return message;
    }
}
