using System.Buffers;
using System.Diagnostics;

namespace BacklogPortal.EmailBenchmarks;

/// <summary>
/// The benchmark SMTP server's message store: counts messages and bytes, nothing else. Parsing
/// would cost the server more CPU than the sender spends, on the same two cores.
/// </summary>
public sealed class MessageCounter
{
    private static readonly long StallThreshold = Stopwatch.Frequency / 100;

    private readonly object gate = new();
    private long messages;
    private long bytes;
    private long lastArrivalTicks;
    private long stalledTicks;
    private long stalls;
    private long longestStallTicks;

    public long Messages => Interlocked.Read(ref messages);

    public long Bytes => Interlocked.Read(ref bytes);

    /// <summary>Stopwatch timestamp of the latest acceptance.</summary>
    public long LastArrival => Interlocked.Read(ref lastArrivalTicks);

    /// <summary>Time between arrivals more than 10 ms apart: the sender had nothing on the wire.</summary>
    public TimeSpan Stalled => Stopwatch.GetElapsedTime(0, Interlocked.Read(ref stalledTicks));

    /// <summary>How many gaps <see cref="Stalled"/> sums: about one per round boundary tells a different story than a few long ones.</summary>
    public long Stalls => Interlocked.Read(ref stalls);

    /// <summary>The longest gap between two arrivals.</summary>
    public TimeSpan LongestStall => Stopwatch.GetElapsedTime(0, Interlocked.Read(ref longestStallTicks));

    public void Accept(ReadOnlySequence<byte> message)
    {
        var now = Stopwatch.GetTimestamp();
        lock (gate)
        {
            if (messages > 0 && now - lastArrivalTicks > StallThreshold)
            {
                stalledTicks += now - lastArrivalTicks;
                stalls++;
                longestStallTicks = Math.Max(longestStallTicks, now - lastArrivalTicks);
            }
            bytes += message.Length;
            lastArrivalTicks = now;
            messages++;
        }
    }

    public void Reset()
    {
        lock (gate)
        {
            messages = 0;
            bytes = 0;
            stalledTicks = 0;
            stalls = 0;
            longestStallTicks = 0;
        }
    }

    /// <summary>Waits (polling every millisecond) until <paramref name="count"/> messages arrived; false on timeout.</summary>
    public async Task<bool> WaitForAsync(long count, TimeSpan timeout)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        while (Messages < count)
        {
            if (Stopwatch.GetTimestamp() > deadline)
            {
                return false;
            }
            await Task.Delay(1);
        }
        return true;
    }
}
