using MimeKit;
using MimeKit.IO;

namespace BacklogPortal.Notifications;

/// <summary>
/// A notification's finished MIME body (<see cref="NotificationBody.MimeBody"/>) as the body of a
/// <see cref="MimeMessage"/>: it writes the stored bytes and prepares nothing, because they were prepared
/// (every part 7-bit) when the email was stored. Building the parts with <see cref="BodyBuilder"/> and letting
/// MailKit rescan every part on each send cost about a fifth of the dispatcher's CPU (docs/PERFORMANCE.md,
/// "Email hand-off").
/// </summary>
/// <remarks>
/// The stored bytes are the whole entity: its <c>Content-Type</c> header, a blank line, the content. The header
/// becomes this entity's <see cref="MimeEntity.ContentType"/>, so <see cref="MimeMessage.WriteTo(FormatOptions, Stream, bool, CancellationToken)"/>
/// merges it into the message's headers (with <c>MIME-Version</c>) and then asks for the content only: each
/// byte is written once.
/// </remarks>
public sealed class StoredMimeBody : MimeEntity
{
    private static readonly byte[] ContentTypeField = "Content-Type:"u8.ToArray();
    private static readonly byte[] Separator = "\r\n\r\n"u8.ToArray();

    private readonly byte[] entity;
    private readonly int contentStart;

    private StoredMimeBody(ContentType contentType, byte[] entity, int contentStart) : base(contentType)
    {
        this.entity = entity;
        this.contentStart = contentStart;
        // Nothing unmanaged is held: without this every message body would wait for the finalizer thread.
        GC.SuppressFinalize(this);
    }

    /// <summary>The parts of an email as one finished multipart entity, every part 7-bit (quoted-printable or base64).</summary>
    public static byte[] Render(string htmlBody, string textBody, string? calendarIcs)
    {
        using var body = NotificationMessage.Parts(htmlBody, textBody, calendarIcs).ToMessageBody();
        // 7-bit: valid over any SMTP server (with or without 8BITMIME) and in the pickup folder, so nothing needs
        // re-encoding at send time.
        body.Prepare(EncodingConstraint.SevenBit);
        using var stream = new MemoryStream();
        body.WriteTo(new FormatOptions { NewLineFormat = NewLineFormat.Dos }, stream);
        if (!stream.GetBuffer().AsSpan(0, (int)stream.Length).EndsWith("\r\n"u8))
        {
            // A message body ends with a line break (MimeMessage writes it so); stored with it, it is sent as stored.
            stream.Write("\r\n"u8);
        }
        var bytes = stream.ToArray();
        // The reader below relies on this shape; fail at compose time, not on every send attempt.
        _ = Read(bytes);
        return bytes;
    }

    /// <summary>The stored entity, ready to be a message's body.</summary>
    /// <exception cref="FormatException">The bytes are not an entity written by <see cref="Render"/>.</exception>
    public static StoredMimeBody Read(byte[] entity)
    {
        // Render writes one header, Content-Type (possibly folded), then the blank line.
        var headerEnd = entity.AsSpan().IndexOf(Separator);
        if (headerEnd < 0 || !entity.AsSpan().StartsWith(ContentTypeField)
            || !ContentType.TryParse(entity, ContentTypeField.Length, headerEnd - ContentTypeField.Length, out var contentType))
        {
            throw new FormatException("The stored MIME body does not start with a Content-Type header and a blank line.");
        }
        return new StoredMimeBody(contentType, entity, headerEnd + Separator.Length);
    }

    /// <summary>Prepared when it was stored: every part is 7-bit already.</summary>
    public override void Prepare(EncodingConstraint constraint, int maxLineLength = 78)
    {
    }

    public override void WriteTo(FormatOptions options, Stream stream, bool contentOnly, CancellationToken cancellationToken = default)
    {
        base.WriteTo(options, stream, contentOnly, cancellationToken);
        if (options.NewLineFormat == NewLineFormat.Dos)
        {
            // MailKit's SMTP data stream and its size counter are cancellable streams.
            if (stream is ICancellableStream cancellable)
            {
                cancellable.Write(entity, contentStart, entity.Length - contentStart, cancellationToken);
            }
            else
            {
                cancellationToken.ThrowIfCancellationRequested();
                stream.Write(entity, contentStart, entity.Length - contentStart);
            }
            return;
        }
        // Unix line endings (a file written with the platform's, e.g. the pickup folder on Linux): converted.
        using var filtered = new FilteredStream(stream);
        filtered.Add(new MimeKit.IO.Filters.Dos2UnixFilter());
        filtered.Write(entity, contentStart, entity.Length - contentStart, cancellationToken);
        filtered.Flush(cancellationToken);
    }

    public override async Task WriteToAsync(FormatOptions options, Stream stream, bool contentOnly, CancellationToken cancellationToken = default)
    {
        await base.WriteToAsync(options, stream, contentOnly, cancellationToken);
        if (options.NewLineFormat == NewLineFormat.Dos)
        {
            await stream.WriteAsync(entity.AsMemory(contentStart), cancellationToken);
            return;
        }
        using var filtered = new FilteredStream(stream);
        filtered.Add(new MimeKit.IO.Filters.Dos2UnixFilter());
        await filtered.WriteAsync(entity.AsMemory(contentStart), cancellationToken);
        await filtered.FlushAsync(cancellationToken);
    }
}
