using System.Buffers;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using MimeKit;
using SmtpServer;
using SmtpServer.ComponentModel;
using SmtpServer.Protocol;
using SmtpServer.Storage;

namespace BacklogPortal.Tests.Infrastructure;

/// <summary>
/// A real SMTP server on a free loopback port, in-process: the portal talks SMTP to it exactly as
/// to a production server. Received messages are parsed with MimeKit; a fault hook can answer a
/// message with any SMTP reply (421, 451, 550, ...) to exercise the sender's error handling, and
/// <see cref="Script"/> answers the next messages to one address with a fault each (a reply code or
/// a connection dropped after DATA). Every message that reached DATA is in <see cref="Attempts"/>.
/// </summary>
public sealed class TestSmtpServer : IAsyncDisposable
{
    private readonly CancellationTokenSource stopping = new();
    private readonly Task running;
    private readonly ConcurrentQueue<MimeMessage> received = new();
    private readonly ConcurrentQueue<(MimeMessage Message, byte[] Raw)> receivedRaw = new();
    private readonly ConcurrentQueue<SmtpAttempt> attempts = new();
    private readonly ConcurrentDictionary<string, ConcurrentQueue<SmtpFault>> scripts = new(StringComparer.OrdinalIgnoreCase);
    private readonly SemaphoreSlim arrived = new(0);

    public TestSmtpServer()
    {
        Port = FreeTcpPort();
        var options = new SmtpServerOptionsBuilder()
            .ServerName("test-smtp")
            .Endpoint(endpoint => endpoint.Endpoint(new IPEndPoint(IPAddress.Loopback, Port)))
            .Build();
        var services = new ServiceProvider();
        services.Add(new Store(this));
        services.Add(new NoDelayListenerFactory());
        var server = new SmtpServer.SmtpServer(options, services);
        running = server.StartAsync(stopping.Token);
    }

    public int Port { get; }

    /// <summary>Decides the reply to a message before it is stored; null accepts it.</summary>
    public Func<MimeMessage, SmtpResponse?>? Fault { get; set; }

    public IReadOnlyCollection<MimeMessage> Messages => received.ToArray();

    /// <summary>Every message the server read to the end of DATA, with what it answered, in order.</summary>
    public IReadOnlyCollection<SmtpAttempt> Attempts => attempts.ToArray();

    /// <summary>
    /// The next messages addressed to <paramref name="recipient"/> meet these faults, one per
    /// message in order; messages after that are accepted. Adds to what is scripted already.
    /// </summary>
    public void Script(string recipient, params SmtpFault[] faults)
    {
        var queue = scripts.GetOrAdd(recipient, _ => new ConcurrentQueue<SmtpFault>());
        foreach (var fault in faults)
        {
            queue.Enqueue(fault);
        }
    }

    /// <summary>The accepted messages sent to <paramref name="recipient"/>.</summary>
    public IReadOnlyList<MimeMessage> MessagesTo(string recipient) =>
        [.. received.Where(m => m.To.Mailboxes.Any(a => string.Equals(a.Address, recipient, StringComparison.OrdinalIgnoreCase)))];

    /// <summary>The accepted messages sent to <paramref name="recipient"/>, as the bytes that arrived after DATA.</summary>
    public IReadOnlyList<byte[]> RawMessagesTo(string recipient) =>
        [.. receivedRaw.Where(m => m.Message.To.Mailboxes.Any(a => string.Equals(a.Address, recipient, StringComparison.OrdinalIgnoreCase))).Select(m => m.Raw)];

    /// <summary>Waits until a message matching <paramref name="predicate"/> has arrived.</summary>
    public async Task<MimeMessage> WaitForMessageAsync(Func<MimeMessage, bool> predicate, TimeSpan? timeout = null)
    {
        using var cancel = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(15));
        while (true)
        {
            if (received.FirstOrDefault(predicate) is { } message)
            {
                return message;
            }
            try
            {
                await arrived.WaitAsync(cancel.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"No matching email arrived within the timeout; {received.Count} other(s) arrived.");
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await stopping.CancelAsync();
        try
        {
            await running;
        }
        catch (OperationCanceledException)
        {
        }
        stopping.Dispose();
    }

    private SmtpFault? NextScriptedFault(IEnumerable<string> recipients)
    {
        foreach (var recipient in recipients)
        {
            if (scripts.TryGetValue(recipient, out var queue) && queue.TryDequeue(out var fault))
            {
                return fault;
            }
        }
        return null;
    }

    /// <summary>A loopback port nobody listens on right now.</summary>
    public static int FreeTcpPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    // Replies go out at once instead of waiting on Nagle's algorithm and the client's delayed ACK
    // (about 40 ms per pipelined SMTP command otherwise), so the server is not the bottleneck of a test.
    private sealed class NoDelayListenerFactory : SmtpServer.Net.IEndpointListenerFactory
    {
        public SmtpServer.Net.IEndpointListener CreateListener(IEndpointDefinition endpointDefinition)
        {
            var listener = new TcpListener(endpointDefinition.Endpoint);
            listener.Start();
            return new Listener(listener);
        }

        private sealed class Listener(TcpListener listener) : SmtpServer.Net.IEndpointListener
        {
            public async Task<SmtpServer.IO.ISecurableDuplexPipe> GetPipeAsync(ISessionContext context, CancellationToken cancellationToken)
            {
                var client = await listener.AcceptTcpClientAsync(cancellationToken);
                client.NoDelay = true;
                return new PlainPipe(client);
            }

            public void Dispose() => listener.Stop();
        }

        /// <summary>The connection as pipes; the test server speaks plain SMTP only (no STARTTLS).</summary>
        private sealed class PlainPipe(TcpClient client) : SmtpServer.IO.ISecurableDuplexPipe
        {
            private readonly NetworkStream stream = client.GetStream();

            public System.IO.Pipelines.PipeReader Input { get; } = System.IO.Pipelines.PipeReader.Create(client.GetStream());

            public System.IO.Pipelines.PipeWriter Output { get; } = System.IO.Pipelines.PipeWriter.Create(client.GetStream());

            public bool IsSecure => false;

            public System.Security.Authentication.SslProtocols SslProtocol => System.Security.Authentication.SslProtocols.None;

            public Task UpgradeAsync(System.Security.Cryptography.X509Certificates.X509Certificate certificate,
                System.Security.Authentication.SslProtocols protocols, CancellationToken cancellationToken = default) =>
                throw new NotSupportedException("The test SMTP server does not offer TLS.");

            public void Dispose()
            {
                stream.Dispose();
                client.Dispose();
            }
        }
    }

    private sealed class Store(TestSmtpServer server) : MessageStore
    {
        public override async Task<SmtpResponse> SaveAsync(ISessionContext context, IMessageTransaction transaction,
            ReadOnlySequence<byte> buffer, CancellationToken cancellationToken)
        {
            var raw = buffer.ToArray();
            await using var stream = new MemoryStream(raw);
            var message = await MimeMessage.LoadAsync(stream, cancellationToken);
            var to = message.To.Mailboxes.Select(m => m.Address).ToList();
            if (server.NextScriptedFault(to) is { } scripted)
            {
                if (scripted.DropsConnection)
                {
                    server.attempts.Enqueue(new SmtpAttempt(message.MessageId, to, "dropped"));
                    // The whole message arrived, but the client never hears back: it cannot know whether it was delivered.
                    context.Pipe.Dispose();
                    throw new IOException("Connection dropped after DATA by the test script.");
                }
                server.attempts.Enqueue(new SmtpAttempt(message.MessageId, to, ((int)scripted.Response!.ReplyCode).ToString(System.Globalization.CultureInfo.InvariantCulture)));
                return scripted.Response;
            }
            if (server.Fault?.Invoke(message) is { } fault)
            {
                server.attempts.Enqueue(new SmtpAttempt(message.MessageId, to, ((int)fault.ReplyCode).ToString(System.Globalization.CultureInfo.InvariantCulture)));
                return fault;
            }
            server.attempts.Enqueue(new SmtpAttempt(message.MessageId, to, "accepted"));
            server.receivedRaw.Enqueue((message, raw));
            server.received.Enqueue(message);
            server.arrived.Release();
            return SmtpResponse.Ok;
        }
    }
}

/// <summary>What the test server does to one message instead of accepting it.</summary>
public sealed record SmtpFault(SmtpResponse? Response, bool DropsConnection)
{
    /// <summary>Answers DATA with this reply, e.g. 421, 451, 454 (transient) or 550 (permanent).</summary>
    public static SmtpFault Reply(int code, string text = "Scripted failure") => new(new SmtpResponse((SmtpReplyCode)code, text), false);

    /// <summary>Reads the whole message, then closes the connection without answering.</summary>
    public static SmtpFault DropConnectionAfterData { get; } = new(null, true);
}

/// <param name="Outcome">"accepted", "dropped", or the reply code sent instead.</param>
public sealed record SmtpAttempt(string? MessageId, IReadOnlyList<string> To, string Outcome);
