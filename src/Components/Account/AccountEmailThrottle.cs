namespace BacklogPortal.Components.Account;

public sealed class AccountEmailLimitOptions
{
    public const string SectionName = "Identity:AccountEmailLimit";

    /// <summary>Account emails (confirm, reset, email change) one address receives per window.</summary>
    [Range(1, 1000)]
    public int PerAddress { get; set; } = 3;

    /// <summary>Account emails one client address can cause per window, to any recipients.</summary>
    [Range(1, 100_000)]
    public int PerClient { get; set; } = 10;

    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(15);
}

/// <summary>
/// Limits account emails per recipient and per requesting client over a sliding window, so the
/// "forgot password" and "resend confirmation" forms cannot be used to flood a mailbox. The requester
/// is never told: the page answers the same whether the email went out or not (no enumeration).
/// Counts live in this instance's memory; with several instances each allows its own share.
/// </summary>
public sealed class AccountEmailThrottle(TimeProvider clock, Microsoft.Extensions.Options.IOptions<AccountEmailLimitOptions> options)
{
    private const int PruneAbove = 10_000;
    private readonly Dictionary<string, Queue<DateTimeOffset>> sent = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>True (and counted) when one more email to <paramref name="recipient"/> for <paramref name="client"/> is within both limits.</summary>
    public bool TryAcquire(string recipient, string client)
    {
        var limits = options.Value;
        var now = clock.GetUtcNow();
        var since = now - limits.Window;
        var recipientKey = "to:" + recipient.Trim();
        var clientKey = "from:" + client;
        lock (sent)
        {
            if (sent.Count > PruneAbove)
            {
                Prune(since);
            }
            var toRecipient = Recent(recipientKey, since);
            var fromClient = Recent(clientKey, since);
            if (toRecipient.Count >= limits.PerAddress || fromClient.Count >= limits.PerClient)
            {
                return false;
            }
            toRecipient.Enqueue(now);
            fromClient.Enqueue(now);
            return true;
        }
    }

    private Queue<DateTimeOffset> Recent(string key, DateTimeOffset since)
    {
        if (!sent.TryGetValue(key, out var times))
        {
            sent[key] = times = new Queue<DateTimeOffset>();
        }
        while (times.TryPeek(out var oldest) && oldest <= since)
        {
            times.Dequeue();
        }
        return times;
    }

    private void Prune(DateTimeOffset since)
    {
        foreach (var key in sent.Keys.ToList())
        {
            if (Recent(key, since).Count == 0)
            {
                sent.Remove(key);
            }
        }
    }
}
