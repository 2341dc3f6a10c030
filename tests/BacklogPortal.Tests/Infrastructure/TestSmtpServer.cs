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
/// message with any SMTP reply (421, 451, 550, ...) to exercise the sender's error handling.
/// </summary>
public sealed class TestSmtpServer : IAsyncDisposable
{
    private readonly CancellationTokenSource stopping = new();
    private readonly Task running;
    private readonly ConcurrentQueue<MimeMessage> received = new();
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
        var server = new SmtpServer.SmtpServer(options, services);
        running = server.StartAsync(stopping.Token);
    }

    public int Port { get; }

    /// <summary>Decides the reply to a message before it is stored; null accepts it.</summary>
    public Func<MimeMessage, SmtpResponse?>? Fault { get; set; }

    public IReadOnlyCollection<MimeMessage> Messages => received.ToArray();

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

    private static int FreeTcpPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private sealed class Store(TestSmtpServer server) : MessageStore
    {
        public override async Task<SmtpResponse> SaveAsync(ISessionContext context, IMessageTransaction transaction,
            ReadOnlySequence<byte> buffer, CancellationToken cancellationToken)
        {
            await using var stream = new MemoryStream(buffer.ToArray());
            var message = await MimeMessage.LoadAsync(stream, cancellationToken);
            if (server.Fault?.Invoke(message) is { } fault)
            {
                return fault;
            }
            server.received.Enqueue(message);
            server.arrived.Release();
            return SmtpResponse.Ok;
        }
    }
}
