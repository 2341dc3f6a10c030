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

    /// <summary>
    /// The headers of every attempt: all from the record, so a resend is the same email. Written straight into a
    /// header list, in the order MimeKit's own <c>new MimeMessage()</c> and property setters give them (so the bytes on
    /// the wire are the same): that constructor first generates a Message-ID (resolving the host's domain name) and
    /// formats the current date, both replaced at once, and each setter formats its header again — about a tenth of
    /// the dispatcher's CPU in a profile (docs/PERFORMANCE.md, "Email hand-off").
    /// </summary>
    private static MimeMessage Headers(Notification notification, MailboxAddress from, PortalLinks links)
    {
        var messageId = notification.MessageId ?? links.MessageId(notification.Id);
        var headers = new HeaderList
        {
            // A copy per message of a header formatted once per From address. (An address object shared between
            // messages is a leak: an address list subscribes to every address added to it and never lets go.)
            FromHeaders.GetValue(from, static address => new Header(HeaderId.From, address.ToString())).Clone(),
            new Header(HeaderId.Date, MimeKit.Utils.DateUtils.FormatDate(notification.CreatedAt)),
            new Header(Encoding.UTF8, HeaderId.Subject, notification.Subject),
            new Header(HeaderId.MessageId, "<" + messageId.Trim('<', '>') + ">"),
        };
        var message = new MimeMessage(headers);
        // Parsed into the message's list (MailKit reads the recipients from it), written after the others as the setter writes it.
        message.To.AddRange(InternetAddressList.Parse(notification.ToAddress));
        // RFC 3834: automatic mail; out-of-office responders should not answer it.
        message.Headers.Add(AutoSubmitted.Clone());
        message.Headers.Add("X-BacklogPortal-Notification", notification.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return message;
    }

    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<MailboxAddress, Header> FromHeaders = [];

    private static readonly Header AutoSubmitted = new("Auto-Submitted", "auto-generated");

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
