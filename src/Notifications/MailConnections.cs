using System.Net.Sockets;
using BacklogPortal.Email;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Options;
using MimeKit;

namespace BacklogPortal.Notifications;

/// <summary>
/// One sending lane of the dispatcher. The dispatcher holds a few of these for its whole life and
/// sends over them in parallel, so connections (and their TLS handshakes and logins) are reused.
/// </summary>
public interface IMailConnection : IAsyncDisposable
{
    /// <summary>Returns once the message is accepted; throws what the transport reports otherwise.</summary>
    Task SendAsync(MimeMessage message, CancellationToken cancellationToken);
}

/// <summary>Creates the dispatcher's connections: pooled SMTP when a host is configured, otherwise the pickup folder.</summary>
public sealed class MailConnectionFactory(
    IOptions<EmailOptions> email,
    IOptions<NotificationsOptions> notifications,
    IEmailTransport transport,
    TimeProvider clock,
    ILoggerFactory loggers)
{
    public bool UsesSmtp => email.Value.UsesSmtp;

    public IMailConnection Create() => email.Value.UsesSmtp
        ? new SmtpMailConnection(email.Value.Smtp, notifications.Value.SmtpIdleCheck, clock, loggers.CreateLogger<SmtpMailConnection>())
        : new TransportMailConnection(transport);
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

/// <summary>Hands messages to <see cref="IEmailTransport"/> (the pickup folder when no SMTP host is set).</summary>
public sealed class TransportMailConnection(IEmailTransport transport) : IMailConnection
{
    public Task SendAsync(MimeMessage message, CancellationToken cancellationToken) => transport.SendAsync(message, cancellationToken);

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
