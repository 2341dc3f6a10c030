using System.Text;
using BacklogPortal.Domain;
using BacklogPortal.Notifications;
using BacklogPortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using MimeKit;

namespace BacklogPortal.Tests.Notifications;

/// <summary>
/// The dispatcher sends the MIME body rendered once when the email was stored (decision 010). What arrives at a
/// real SMTP server must be the same email as one built from the parts: same text, HTML and calendar file, every
/// header of the message intact, the body's Content-Type written once, nothing 8-bit on the wire.
/// </summary>
public sealed class StoredMimeBodyTests(NotificationAppFactory factory) : IClassFixture<NotificationAppFactory>
{
    [Fact]
    public async Task TheSentEmailCarriesTheStoredPartsAndEveryHeaderOnce()
    {
        var customer = await ComposedAsync(await factory.CreateCustomerAsync(lines: 2, culture: "de-DE", timeZone: "Europe/Berlin"));
        var (notification, body) = await StoredAsync(customer.Id);
        Assert.NotNull(body.MimeBody);
        Assert.NotNull(body.CalendarIcs);

        await factory.Dispatcher.DispatchDueAsync();

        var raw = Assert.Single(factory.Smtp.RawMessagesTo(customer.Email));
        var sent = MimeMessage.Load(new MemoryStream(raw));
        AssertSameEmail(notification, body, sent, From);
        // Built from the parts as before (the path of rows stored before MimeBody): the same email.
        using var built = NotificationMessage.Build(notification, Without(body), From, new PortalLinks("https://portal.example.com"));
        AssertSameParts(built, sent);

        // The body on the wire is the stored content byte for byte, after the message's one header block.
        var stored = Encoding.ASCII.GetString(body.MimeBody);
        var wire = Encoding.ASCII.GetString(raw);
        // (The server keeps the last line break as part of the end-of-data mark.)
        Assert.Equal(stored[(stored.IndexOf("\r\n\r\n", StringComparison.Ordinal) + 4)..^2], wire[(wire.IndexOf("\r\n\r\n", StringComparison.Ordinal) + 4)..]);
        var headers = HeaderBlock(raw);
        Assert.Equal(1, Count(headers, "\r\nContent-Type:"));
        Assert.Equal(1, Count(headers, "\r\nMIME-Version: 1.0"));
        Assert.Contains("\r\nAuto-Submitted: auto-generated", headers, StringComparison.Ordinal);
        Assert.Contains($"\r\nX-BacklogPortal-Notification: {notification.Id}", headers, StringComparison.Ordinal);
        // 7-bit throughout (German umlauts quoted-printable): valid for a server without 8BITMIME too.
        Assert.All(raw, b => Assert.True(b < 0x80, "every byte on the wire is 7-bit"));
        Assert.All(sent.BodyParts.OfType<MimePart>(), p => Assert.Contains(p.ContentTransferEncoding,
            new[] { ContentEncoding.SevenBit, ContentEncoding.QuotedPrintable, ContentEncoding.Base64 }));
    }

    [Fact]
    public async Task ARowStoredBeforeTheMimeBodyExistedIsBuiltFromItsParts()
    {
        var customer = await ComposedAsync(await factory.CreateCustomerAsync(lines: 1));
        var (notification, body) = await StoredAsync(customer.Id);
        await using (var db = await factory.CreateDbContextAsync())
        {
            await db.NotificationBodies.Where(b => b.NotificationId == notification.Id)
                .ExecuteUpdateAsync(s => s.SetProperty(b => b.MimeBody, (byte[]?)null));
        }

        await factory.Dispatcher.DispatchDueAsync();

        var sent = Assert.Single(factory.Smtp.MessagesTo(customer.Email));
        AssertSameEmail(notification, body, sent, From);
        Assert.Equal(NotificationStatus.Sent, Assert.Single(await factory.NotificationsForAsync(customer.Id)).Status);
    }

    [Fact]
    public void TheStoredEntityIsOneContentTypeHeaderABlankLineAndTheMultipart()
    {
        var stored = NotificationMessage.NewBody("<p>Grüße</p>", "Grüße, a line of text", "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n");

        var text = Encoding.ASCII.GetString(stored.MimeBody!);
        Assert.StartsWith("Content-Type: multipart/mixed;", text, StringComparison.Ordinal);
        var header = text[..text.IndexOf("\r\n\r\n", StringComparison.Ordinal)];
        Assert.DoesNotContain("\r\n", header.Replace("\r\n\t", " ", StringComparison.Ordinal).Replace("\r\n ", " ", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.EndsWith("--\r\n", text, StringComparison.Ordinal);
        var entity = (Multipart)MimeEntity.Load(new MemoryStream(stored.MimeBody!));
        Assert.Equal("multipart/alternative", entity[0].ContentType.MimeType);
        Assert.Equal("text/calendar", entity[1].ContentType.MimeType);
    }

    [Fact]
    public void AMessageDoesNotHoldOnToTheDispatchersOneFromAddress()
    {
        // The dispatcher passes its one From address to every message it builds. A message that added that very
        // object to its From list would subscribe to it for good: every message ever sent stays reachable from
        // the address (a leak), and every add copies the ever longer handler list (quadratic CPU).
        var from = From;
        var notification = new Notification { Id = 7, ToAddress = "buyer@customer.example", Subject = "New date", CreatedAt = DateTimeOffset.UnixEpoch };
        using var message = NotificationMessage.Build(notification, NotificationMessage.NewBody("<p>x</p>", "x"), from, new PortalLinks("https://portal.example.com"));
        var before = message.Headers[HeaderId.From];

        // Observable: a message subscribed to the address rewrites its From header when the address changes.
        from.Name = "Someone Else";

        Assert.Equal(before, message.Headers[HeaderId.From]);
        Assert.DoesNotContain("Someone Else", message.Headers[HeaderId.From], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("New date for order 4711", "buyer@customer.example", "notification-42@portal.example.com")]
    [InlineData("Neuer Liefertermin für Bestellung 4711 – zwei Positionen später als zugesagt, bitte prüfen Sie die neuen Termine",
        "Jürgen Käufer <buyer@customer.example>, einkauf@customer.example", "<notification-42@portal.example.com>")]
    public void TheHeadersAreTheOnesMimeKitsOwnSettersWrite(string subject, string to, string messageId)
    {
        // The headers are written straight into a header list instead of through new MimeMessage() and its setters
        // (which generate a Message-ID and a date only to replace them): the bytes must not change, folding and
        // RFC 2047 encoding of a long German subject and of a display name included.
        var from = new MailboxAddress("Größenwahn Portal", "portal@example.com");
        var created = new DateTimeOffset(2026, 11, 30, 20, 15, 7, TimeSpan.FromHours(1));
        var notification = new Notification { Id = 42, ToAddress = to, Subject = subject, MessageId = messageId, CreatedAt = created };
        using var built = NotificationMessage.Build(notification, NotificationMessage.NewBody("<p>x</p>", "x"), from, new PortalLinks("https://portal.example.com"));

        using var reference = new MimeMessage();
        reference.From.Add(new MailboxAddress(from.Name, from.Address));
        reference.To.AddRange(InternetAddressList.Parse(to));
        reference.Subject = subject;
        reference.MessageId = messageId;
        reference.Date = created;
        reference.Headers.Add("Auto-Submitted", "auto-generated");
        reference.Headers.Add("X-BacklogPortal-Notification", "42");

        Assert.Equal(HeaderBytes(reference), HeaderBytes(built));
        Assert.Equal(subject, built.Subject);
        Assert.Equal("notification-42@portal.example.com", built.MessageId);
        Assert.Equal(created, built.Date);
        Assert.Equal(reference.To.Mailboxes.Select(m => m.Address), built.To.Mailboxes.Select(m => m.Address));
        Assert.Equal(from.ToString(), built.From.ToString());
    }

    private static string HeaderBytes(MimeMessage message)
    {
        using var written = new MemoryStream();
        message.Headers.WriteTo(new FormatOptions { NewLineFormat = NewLineFormat.Dos }, written);
        return Encoding.ASCII.GetString(written.ToArray());
    }

    [Fact]
    public async Task TheSynchronousAndAsynchronousWritersWriteTheSameBytesInEitherLineEnding()
    {
        var notification = new Notification { Id = 42, ToAddress = "buyer@customer.example", Subject = "Neuer Liefertermin", CreatedAt = DateTimeOffset.UnixEpoch };
        using var message = NotificationMessage.Build(notification, NotificationMessage.NewBody("<p>Grüße</p>", "Grüße"), From, new PortalLinks("https://portal.example.com"));
        // MailKit measures a message (SIZE) with the synchronous writer and sends it with the asynchronous one.
        foreach (var format in new[] { NewLineFormat.Dos, NewLineFormat.Unix })
        {
            var options = new FormatOptions { NewLineFormat = format };
            using var written = new MemoryStream();
            message.WriteTo(options, written);
            using var writtenAsync = new MemoryStream();
            await message.WriteToAsync(options, writtenAsync);
            Assert.Equal(written.ToArray(), writtenAsync.ToArray());
            Assert.Equal(format == NewLineFormat.Dos, written.ToArray().Contains((byte)'\r'));
            Assert.Equal("Grüße", MimeMessage.Load(new MemoryStream(written.ToArray())).TextBody?.TrimEnd());
        }
    }

    private MailboxAddress From => MailboxAddress.Parse(factory.Services.GetRequiredService<IOptions<BacklogPortal.Email.EmailOptions>>().Value.From);

    private static void AssertSameEmail(Notification notification, NotificationBody body, MimeMessage sent, MailboxAddress from)
    {
        Assert.Equal(notification.MessageId, sent.MessageId);
        Assert.Equal(notification.Subject, sent.Subject);
        Assert.Equal(notification.ToAddress, sent.To.ToString());
        Assert.Equal(from.ToString(), sent.From.ToString());
        // The Date header carries whole seconds.
        Assert.Equal(notification.CreatedAt.ToUnixTimeSeconds(), sent.Date.ToUnixTimeSeconds());
        Assert.Equal(Normalized(body.TextBody), Normalized(sent.TextBody));
        Assert.Equal(Normalized(body.HtmlBody), Normalized(sent.HtmlBody));
        var ics = sent.Attachments.OfType<MimePart>().SingleOrDefault();
        if (body.CalendarIcs is null)
        {
            Assert.Null(ics);
            return;
        }
        Assert.NotNull(ics);
        Assert.NotNull(ics.Content);
        Assert.Equal("delivery-dates.ics", ics.FileName);
        Assert.Equal("text/calendar", ics.ContentType.MimeType);
        Assert.Equal("PUBLISH", ics.ContentType.Parameters["method"]);
        using var decoded = new MemoryStream();
        ics.Content.DecodeTo(decoded);
        Assert.Equal(body.CalendarIcs, Encoding.UTF8.GetString(decoded.ToArray()));
    }

    private static void AssertSameParts(MimeMessage expected, MimeMessage actual)
    {
        Assert.Equal(Normalized(expected.TextBody), Normalized(actual.TextBody));
        Assert.Equal(Normalized(expected.HtmlBody), Normalized(actual.HtmlBody));
        Assert.Equal(
            expected.BodyParts.Select(p => p.ContentType.MimeType),
            actual.BodyParts.Select(p => p.ContentType.MimeType));
    }

    // Line breaks come back as the transfer encoding wrote them (CRLF); the content is what must match.
    private static string? Normalized(string? text) => text?.ReplaceLineEndings("\n");

    private static NotificationBody Without(NotificationBody body) => new()
    {
        NotificationId = body.NotificationId,
        HtmlBody = body.HtmlBody,
        TextBody = body.TextBody,
        CalendarIcs = body.CalendarIcs,
    };

    private static string HeaderBlock(byte[] raw)
    {
        var text = Encoding.ASCII.GetString(raw);
        return "\r\n" + text[..text.IndexOf("\r\n\r\n", StringComparison.Ordinal)];
    }

    private static int Count(string text, string what)
    {
        var count = 0;
        for (var at = text.IndexOf(what, StringComparison.OrdinalIgnoreCase); at >= 0; at = text.IndexOf(what, at + 1, StringComparison.OrdinalIgnoreCase))
        {
            count++;
        }
        return count;
    }

    /// <summary>The customer's first line three weeks later, the email composed (with a calendar file: the new date is known).</summary>
    private async Task<TestCustomer> ComposedAsync(TestCustomer customer)
    {
        await factory.ChangeEtaAsync(customer.Lines[0].Id, customer.Lines[0].Eta!.Value.AddDays(21));
        factory.PassCoalesceWindow();
        await factory.Composer.ComposeDueAsync();
        return customer;
    }

    private async Task<(Notification Notification, NotificationBody Body)> StoredAsync(int customerId)
    {
        await using var db = await factory.CreateDbContextAsync();
        var notification = await db.Notifications.AsNoTracking().Include(n => n.Body).SingleAsync(n => n.CustomerId == customerId);
        return (notification, notification.Body!);
    }
}
