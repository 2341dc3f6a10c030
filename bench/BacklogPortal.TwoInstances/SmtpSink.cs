using System.Buffers;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using SmtpServer;
using SmtpServer.ComponentModel;
using SmtpServer.Protocol;
using SmtpServer.Storage;

namespace BacklogPortal.TwoInstances;

/// <summary>
/// One portal instance's SMTP server: records the Message-ID of every message it accepts. Each instance gets a sink
/// of its own, so the harness sees which dispatcher sent what; <see cref="Delay"/> slows acceptance down so that a
/// batch is still on the wire when an instance is killed.
/// </summary>
public sealed class SmtpSink : IAsyncDisposable
{
    private readonly CancellationTokenSource stopping = new();
    private readonly Task running;

    public SmtpSink(string name)
    {
        Name = name;
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            Port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }
        var options = new SmtpServerOptionsBuilder().ServerName(name)
            .Endpoint(endpoint => endpoint.Endpoint(new IPEndPoint(IPAddress.Loopback, Port))).Build();
        var services = new SmtpServer.ComponentModel.ServiceProvider();
        services.Add(new Store(this));
        running = new SmtpServer.SmtpServer(options, services).StartAsync(stopping.Token);
    }

    public string Name { get; }

    public int Port { get; }

    public TimeSpan Delay { get; set; }

    /// <summary>Message-IDs in the order they were accepted (a resend appears twice).</summary>
    public ConcurrentQueue<string> Accepted { get; } = new();

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
    }

    private static string ReadMessageId(ReadOnlySequence<byte> message)
    {
        var text = Encoding.ASCII.GetString(message.Length > 16_384 ? message.Slice(0, 16_384) : message);
        foreach (var line in text.Split("\r\n"))
        {
            if (line.Length == 0)
            {
                break;
            }
            if (line.StartsWith("Message-ID:", StringComparison.OrdinalIgnoreCase))
            {
                return line["Message-ID:".Length..].Trim();
            }
        }
        return "(none)";
    }

    private sealed class Store(SmtpSink sink) : MessageStore
    {
        public override async Task<SmtpResponse> SaveAsync(
            ISessionContext context, IMessageTransaction transaction, ReadOnlySequence<byte> buffer, CancellationToken cancellationToken)
        {
            if (sink.Delay > TimeSpan.Zero)
            {
                await Task.Delay(sink.Delay, cancellationToken);
            }
            sink.Accepted.Enqueue(ReadMessageId(buffer));
            return SmtpResponse.Ok;
        }
    }
}
