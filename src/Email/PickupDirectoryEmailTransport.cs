using MimeKit;

namespace BacklogPortal.Email;

/// <summary>
/// Writes every message as an .eml file, the way IIS and other MTAs use a pickup folder: the
/// portal runs and shows its emails with nothing else installed.
/// </summary>
public sealed class PickupDirectoryEmailTransport(string directory, ILogger<PickupDirectoryEmailTransport> logger) : IEmailTransport
{
    public string Directory { get; } = directory;

    public async Task SendAsync(MimeMessage message, CancellationToken cancellationToken = default)
    {
        System.IO.Directory.CreateDirectory(Directory);
        if (string.IsNullOrEmpty(message.MessageId))
        {
            message.MessageId = MimeKit.Utils.MimeUtils.GenerateMessageId();
        }
        var name = $"{DateTime.UtcNow:yyyyMMdd-HHmmss-fff}-{SafeFileName(message.MessageId)}.eml";
        var path = Path.Combine(Directory, name);
        var temporary = path + ".tmp";
        // Write, then rename: a reader of the folder never sees half a message.
        await message.WriteToAsync(temporary, cancellationToken);
        File.Move(temporary, path, overwrite: true);
        logger.LogInformation("Email '{Subject}' to {To} written to {Path}", message.Subject, message.To, path);
    }

    private static string SafeFileName(string messageId)
    {
        var invalid = Path.GetInvalidFileNameChars();
        var chars = messageId.Select(c => invalid.Contains(c) || c is '<' or '>' or '@' ? '_' : c).ToArray();
        return new string(chars).Trim('_');
    }
}
