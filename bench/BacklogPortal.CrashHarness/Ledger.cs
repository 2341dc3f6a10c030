using System.Buffers;
using System.Globalization;
using MimeKit;

namespace BacklogPortal.CrashHarness;

/// <summary>One message the SMTP server accepted.</summary>
/// <param name="Life">The app process (1, 2, …) whose data it was: acceptances between a kill and the next start belong to the killed one.</param>
public sealed record Acceptance(long Sequence, DateTimeOffset At, string MessageId, int Life);

/// <summary>
/// The SMTP server's record of every accepted message: Message-ID and the instant of acceptance
/// (just before the 250 reply), kept in memory and appended to a CSV file as it happens.
/// </summary>
public sealed class Ledger : IDisposable
{
    private readonly object gate = new();
    private readonly List<Acceptance> accepted = [];
    private readonly StreamWriter file;
    private int life;

    public Ledger(string path)
    {
        file = new StreamWriter(path, append: false) { AutoFlush = true };
        file.WriteLine("sequence,accepted_at_utc,life,message_id");
    }

    /// <summary>The app process whose messages arrive now; the harness moves it on just before each start.</summary>
    public int Life
    {
        get => Volatile.Read(ref life);
        set => Volatile.Write(ref life, value);
    }

    public int Count
    {
        get
        {
            lock (gate)
            {
                return accepted.Count;
            }
        }
    }

    public void Accept(ReadOnlySequence<byte> message)
    {
        var at = DateTimeOffset.UtcNow;
        var messageId = ReadMessageId(message) ?? "(none)";
        lock (gate)
        {
            var entry = new Acceptance(accepted.Count + 1, at, messageId, Life);
            accepted.Add(entry);
            file.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{entry.Sequence},{entry.At:O},{entry.Life},{entry.MessageId}"));
        }
    }

    public IReadOnlyList<Acceptance> Snapshot()
    {
        lock (gate)
        {
            return [.. accepted];
        }
    }

    /// <summary>Accepted since <paramref name="sequence"/> (exclusive).</summary>
    public int CountAfter(long sequence)
    {
        lock (gate)
        {
            return accepted.Count - (int)sequence;
        }
    }

    /// <summary>When the first message after <paramref name="sequence"/> arrived; null if none did.</summary>
    public DateTimeOffset? FirstAfter(long sequence)
    {
        lock (gate)
        {
            return accepted.Count > sequence ? accepted[(int)sequence].At : null;
        }
    }

    // Only the header block is parsed: the Message-ID is all the ledger needs.
    private static string? ReadMessageId(ReadOnlySequence<byte> message)
    {
        using var stream = new MemoryStream(message.ToArray(), writable: false);
        var headers = new MimeParser(stream, MimeFormat.Entity).ParseHeaders();
        return headers[HeaderId.MessageId] is { } value ? value.Trim().Trim('<', '>') : null;
    }

    public void Dispose() => file.Dispose();
}
