using System.Net.Sockets;
using BacklogPortal.Hosting;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace BacklogPortal.Email;

/// <summary>
/// The one way out of the portal for every email (customer notifications and account emails alike):
/// a long-lived sending lane. The dispatcher holds a few of these for its whole life and sends over
/// them in parallel, so connections (and their TLS handshakes and logins) are reused. Two kinds: an SMTP
/// connection, or the pickup folder when no SMTP host is configured.
/// </summary>
public interface IMailConnection : IAsyncDisposable
{
    /// <summary>Returns once the message is accepted; throws what the transport reports otherwise.</summary>
    Task SendAsync(MimeMessage message, CancellationToken cancellationToken);
}

/// <summary>Creates sending lanes: an SMTP connection when <c>Email:Smtp:Host</c> is set, otherwise the pickup folder.</summary>
public sealed class MailConnectionFactory(
    IOptions<EmailOptions> email,
    IOptions<PortalOptions> portal,
    IHostEnvironment environment,
    TimeProvider clock,
    ILoggerFactory loggers)
{
    public bool UsesSmtp => email.Value.UsesSmtp;

    /// <param name="idleCheck">A connection idle for longer is checked with NOOP before its next message.</param>
    public IMailConnection Create(TimeSpan idleCheck) => email.Value.UsesSmtp
        ? new SmtpMailConnection(email.Value.Smtp, idleCheck, clock, loggers.CreateLogger<SmtpMailConnection>())
        : new PickupDirectoryMailConnection(
            EmailExtensions.ResolvePickupDirectory(email.Value, portal.Value, environment),
            clock,
            loggers.CreateLogger<PickupDirectoryMailConnection>());
}

/// <summary>
/// A long-lived MailKit connection: connects (TLS and login per <c>Email:Smtp:*</c>) on first use,
/// checks a connection that sat idle with NOOP, and reconnects after the server or the network dropped it.
/// </summary>
public sealed class SmtpMailConnection(SmtpOptions smtp, TimeSpan idleCheck, TimeProvider clock, ILogger<SmtpMailConnection> logger) : IMailConnection
{
    private SmtpClient? client;
    private DateTimeOffset lastUsed;

    public async Task SendAsync(MimeMessage message, CancellationToken cancellationToken)
    {
        var connected = await EnsureConnectedAsync(cancellationToken);
        try
        {
            await connected.SendAsync(message, cancellationToken);
        }
        catch (SmtpCommandException refused) when (connected.IsConnected && refused.StatusCode != SmtpStatusCode.ServiceNotAvailable)
        {
            // The server refused this message and the session goes on (MailKit resets it): keep the
            // connection. A 421 announces that the server closes it, so that one is dropped below.
            throw;
        }
        catch
        {
            // Anything else leaves the session in an unknown state: start afresh next time.
            await DropAsync();
            throw;
        }
        finally
        {
            lastUsed = clock.GetUtcNow();
        }
    }

    private async Task<SmtpClient> EnsureConnectedAsync(CancellationToken cancellationToken)
    {
        if (client is { IsConnected: true } && clock.GetUtcNow() - lastUsed > idleCheck)
        {
            try
            {
                await client.NoOpAsync(cancellationToken);
            }
            catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                logger.LogDebug(exception, "Idle SMTP connection to {Host} is gone; reconnecting", smtp.Host);
                await DropAsync();
            }
        }
        if (client is { IsConnected: true })
        {
            return client;
        }
        await DropAsync();
        var fresh = new SmtpClient { Timeout = (int)smtp.Timeout.TotalMilliseconds };
        try
        {
            await ConnectAsync(fresh, cancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            fresh.Dispose();
            throw new MailServerUnavailableException(
                $"SMTP server {smtp.Host}:{smtp.Port} unavailable: {exception.GetType().Name}: {exception.Message}", exception);
        }
        catch
        {
            fresh.Dispose();
            throw;
        }
        client = fresh;
        lastUsed = clock.GetUtcNow();
        return fresh;
    }

    /// <summary>
    /// Connects over a socket with Nagle's algorithm off. MailKit's own connect leaves it on, and
    /// then the small final write of every message (".") waits for the server's delayed ACK:
    /// about 40 ms per email, which caps a connection at some 25 emails a second.
    /// </summary>
    private async Task ConnectAsync(SmtpClient connecting, CancellationToken cancellationToken)
    {
        var port = smtp.EffectivePort;
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(smtp.Timeout);
            await socket.ConnectAsync(smtp.Host!, port, timeout.Token);
            await connecting.ConnectAsync(socket, smtp.Host!, port, SocketOptions(smtp.Security), cancellationToken);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
        if (!string.IsNullOrEmpty(smtp.UserName))
        {
            await connecting.AuthenticateAsync(smtp.UserName, smtp.Password ?? "", cancellationToken);
        }
    }

    private static SecureSocketOptions SocketOptions(SmtpSecurity security) => security switch
    {
        SmtpSecurity.None => SecureSocketOptions.None,
        SmtpSecurity.StartTls => SecureSocketOptions.StartTls,
        SmtpSecurity.SslOnConnect => SecureSocketOptions.SslOnConnect,
        _ => SecureSocketOptions.Auto,
    };

    private async Task DropAsync()
    {
        if (client is null)
        {
            return;
        }
        var old = client;
        client = null;
        try
        {
            if (old.IsConnected)
            {
                using var quick = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await old.DisconnectAsync(quit: true, quick.Token);
            }
        }
        catch (Exception exception)
        {
            logger.LogDebug(exception, "SMTP disconnect failed; the connection is dropped anyway");
        }
        finally
        {
            old.Dispose();
        }
    }

    public async ValueTask DisposeAsync() => await DropAsync();
}

/// <summary>
/// Writes every message as an .eml file, the way IIS and other MTAs use a pickup folder: the
/// portal runs and shows its emails with nothing else installed.
/// </summary>
public sealed class PickupDirectoryMailConnection(string directory, TimeProvider clock, ILogger<PickupDirectoryMailConnection> logger) : IMailConnection
{
    public string Directory { get; } = directory;

    public async Task SendAsync(MimeMessage message, CancellationToken cancellationToken)
    {
        System.IO.Directory.CreateDirectory(Directory);
        if (string.IsNullOrEmpty(message.MessageId))
        {
            message.MessageId = MimeKit.Utils.MimeUtils.GenerateMessageId();
        }
        var name = $"{clock.GetUtcNow():yyyyMMdd-HHmmss-fff}-{SafeFileName(message.MessageId)}.eml";
        var path = Path.Combine(Directory, name);
        var temporary = path + ".tmp";
        // Write, then rename: a reader of the folder never sees half a message.
        await message.WriteToAsync(temporary, cancellationToken);
        File.Move(temporary, path, overwrite: true);
        logger.LogDebug("Email '{Subject}' to {To} written to {Path}", message.Subject, message.To, path);
    }

    private static string SafeFileName(string messageId)
    {
        var invalid = Path.GetInvalidFileNameChars();
        var chars = messageId.Select(c => invalid.Contains(c) || c is '<' or '>' or '@' ? '_' : c).ToArray();
        return new string(chars).Trim('_');
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}

/// <summary>Which delivery failures the mail server calls final, and how staff read them.</summary>
public static class MailFailures
{
    /// <summary>
    /// A 5xx reply is the server's final word on this message (unknown mailbox, rejected content):
    /// retrying cannot help. 4xx replies (busy, greylisting, quota), broken connections, timeouts and
    /// I/O errors pass, so they are retried.
    /// </summary>
    public static bool IsPermanent(Exception exception) =>
        exception is SmtpCommandException { StatusCode: var code } && (int)code >= 500;

    public static string Describe(Exception exception, int maxLength)
    {
        var text = exception switch
        {
            SmtpCommandException smtp => $"SMTP {(int)smtp.StatusCode} ({smtp.ErrorCode}): {smtp.Message}",
            MailServerUnavailableException unavailable => unavailable.Message,
            _ => $"{exception.GetType().Name}: {exception.Message}",
        };
        return text.Length <= maxLength ? text : text[..maxLength];
    }
}

/// <summary>The SMTP server could not be reached or refused the session (connect, TLS or login failed).</summary>
public sealed class MailServerUnavailableException(string message, Exception inner) : Exception(message, inner);
