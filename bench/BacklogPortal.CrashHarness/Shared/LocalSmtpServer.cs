using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using SmtpServer;
using SmtpServer.ComponentModel;
using SmtpServer.Protocol;
using SmtpServer.Storage;

namespace BacklogPortal.Bench;

/// <summary>
/// A plain SMTP server (the SmtpServer package) on a free loopback port in this process. Every
/// message that reaches the end of DATA is handed to <c>accept</c> and then answered 250, so what
/// <c>accept</c> records is exactly what the server accepted. The harnesses keep <c>accept</c>
/// cheap: the server shares two cores with the portal, and parsing every message would make it the
/// bottleneck of a throughput figure.
/// </summary>
public sealed class LocalSmtpServer : IAsyncDisposable
{
    private readonly CancellationTokenSource stopping = new();
    private readonly Task running;
    private int openSessions;

    public LocalSmtpServer(Action<ReadOnlySequence<byte>> accept)
    {
        Port = FreeTcpPort();
        var options = new SmtpServerOptionsBuilder()
            .ServerName("bench-smtp")
            .Endpoint(endpoint => endpoint.Endpoint(new IPEndPoint(IPAddress.Loopback, Port)))
            .Build();
        var services = new SmtpServer.ComponentModel.ServiceProvider();
        services.Add(new AcceptingStore(accept));
        services.Add(new NoDelayListenerFactory(this));
        running = new SmtpServer.SmtpServer(options, services).StartAsync(stopping.Token);
    }

    public int Port { get; }

    /// <summary>Client connections open right now.</summary>
    public int OpenSessions => Volatile.Read(ref openSessions);

    /// <summary>
    /// Waits until no client is connected, so that a message already on the wire from a killed
    /// client has been read (and accepted) before anyone looks at the ledger.
    /// </summary>
    public async Task<bool> WaitUntilNoSessionsAsync(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (OpenSessions > 0)
        {
            if (DateTime.UtcNow > deadline)
            {
                return false;
            }
            await Task.Delay(10);
        }
        return true;
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

    private sealed class AcceptingStore(Action<ReadOnlySequence<byte>> accept) : MessageStore
    {
        public override Task<SmtpResponse> SaveAsync(ISessionContext context, IMessageTransaction transaction,
            ReadOnlySequence<byte> buffer, CancellationToken cancellationToken)
        {
            accept(buffer);
            return Task.FromResult(SmtpResponse.Ok);
        }
    }

    // Replies go out at once: with Nagle's algorithm on, each reply waits for the client's delayed
    // ACK (about 40 ms), and the server, not the sender, would set the pace. Sessions are counted
    // here because the pipe is the one object that lives exactly as long as the connection.
    private sealed class NoDelayListenerFactory(LocalSmtpServer server) : SmtpServer.Net.IEndpointListenerFactory
    {
        public SmtpServer.Net.IEndpointListener CreateListener(IEndpointDefinition endpointDefinition)
        {
            var listener = new TcpListener(endpointDefinition.Endpoint);
            listener.Start(backlog: 64);
            return new Listener(listener, server);
        }

        private sealed class Listener(TcpListener listener, LocalSmtpServer server) : SmtpServer.Net.IEndpointListener
        {
            public async Task<SmtpServer.IO.ISecurableDuplexPipe> GetPipeAsync(ISessionContext context, CancellationToken cancellationToken)
            {
                var client = await listener.AcceptTcpClientAsync(cancellationToken);
                client.NoDelay = true;
                Interlocked.Increment(ref server.openSessions);
                return new PlainPipe(client, server);
            }

            public void Dispose() => listener.Stop();
        }

        private sealed class PlainPipe : SmtpServer.IO.ISecurableDuplexPipe
        {
            private readonly TcpClient client;
            private readonly NetworkStream stream;
            private readonly LocalSmtpServer server;
            private int disposed;

            public PlainPipe(TcpClient client, LocalSmtpServer server)
            {
                this.client = client;
                this.server = server;
                stream = client.GetStream();
                Input = PipeReader.Create(stream);
                Output = PipeWriter.Create(stream);
            }

            public PipeReader Input { get; }

            public PipeWriter Output { get; }

            public bool IsSecure => false;

            public System.Security.Authentication.SslProtocols SslProtocol => System.Security.Authentication.SslProtocols.None;

            public Task UpgradeAsync(System.Security.Cryptography.X509Certificates.X509Certificate certificate,
                System.Security.Authentication.SslProtocols protocols, CancellationToken cancellationToken = default) =>
                throw new NotSupportedException("The bench SMTP server speaks plain SMTP only.");

            public void Dispose()
            {
                if (Interlocked.Exchange(ref disposed, 1) == 0)
                {
                    stream.Dispose();
                    client.Dispose();
                    Interlocked.Decrement(ref server.openSessions);
                }
            }
        }
    }
}
