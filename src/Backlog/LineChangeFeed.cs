using System.Collections.Concurrent;
using BacklogPortal.Data;

namespace BacklogPortal.Backlog;

/// <summary>The <c>Portal:LiveUpdates:*</c> keys.</summary>
public sealed class LiveUpdatesOptions
{
    public const string SectionName = "Portal:LiveUpdates";

    /// <summary>How often this instance reads the change log for open customer pages; a change shows within about this time of its commit.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:01:00")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);
}

/// <summary>
/// Tells open customer pages (<c>/backlog</c>, <c>/orders/{n}</c>) which of their customer's lines changed, whoever
/// changed them and on whichever instance: ONE poll per instance of the change log — the ETA audit
/// (<c>EtaChanges</c>, by increasing id) and the events feed (<c>IntegrationEvents</c>: shipments, cancellations,
/// answers, by sequence) — fanned out to the subscriptions of the customers concerned. A subscriber learns line ids of
/// its own customer only, never data: the page re-reads those lines through its customer-scoped query.
/// </summary>
/// <remarks>
/// On SQL Server an identity value can commit after a higher one (two transactions at once); an id skipped by a poll
/// is looked for again for <see cref="GapLifetime"/>, so a slow commit is still reported. The events feed's sequence is
/// gap-free and in commit order already (decision 008).
/// </remarks>
public sealed class LineChangeFeed(
    IDbContextFactory<PortalDbContext> dbFactory,
    IOptions<LiveUpdatesOptions> options,
    TimeProvider clock,
    ILogger<LineChangeFeed> logger) : BackgroundService
{
    /// <summary>Rows read per table and poll; a bigger burst is read over the next polls.</summary>
    public const int MaxRowsPerPoll = 20_000;

    private const int MaxGaps = 1_000;

    private static readonly TimeSpan GapLifetime = TimeSpan.FromMinutes(1);

    private readonly ConcurrentDictionary<int, ConcurrentDictionary<Subscription, byte>> subscriptions = new();
    private readonly Dictionary<long, DateTimeOffset> gaps = [];
    private readonly SemaphoreSlim polling = new(1, 1);
    private long? lastChangeId;
    private long? lastEventSequence;

    /// <summary>
    /// Calls <paramref name="onChanged"/> with the ids of the customer's lines that changed, after each poll that found
    /// any. The call comes from the poller's thread: a component passes it through <c>InvokeAsync</c>. Dispose to stop.
    /// </summary>
    /// <param name="customerId">From the signed-in user's claim.</param>
    public IDisposable Subscribe(int customerId, Func<IReadOnlySet<int>, Task> onChanged)
    {
        var subscription = new Subscription(this, customerId, onChanged);
        subscriptions.GetOrAdd(customerId, _ => new()).TryAdd(subscription, 0);
        return subscription;
    }

    /// <summary>Open subscriptions on this instance (one per open customer page).</summary>
    public int SubscriptionCount => subscriptions.Values.Sum(s => s.Count);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.PollInterval, clock);
        do
        {
            try
            {
                await PollOnceAsync(stoppingToken);
            }
            catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
            {
                // A failed poll (database away) is retried on the next tick; open pages just update later.
                logger.LogWarning(exception, "Reading the change log for live page updates failed");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>
    /// One poll: reads what was committed since the last one and notifies the subscribers. The first poll only
    /// takes the current position (pages loaded after it). Public for tests, which poll without waiting for the timer.
    /// </summary>
    public async Task PollOnceAsync(CancellationToken cancellationToken = default)
    {
        await polling.WaitAsync(cancellationToken);
        try
        {
            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
            if (lastChangeId is null || lastEventSequence is null)
            {
                lastChangeId = await db.EtaChanges.MaxAsync(c => (long?)c.Id, cancellationToken) ?? 0;
                lastEventSequence = await db.IntegrationEvents.MaxAsync(e => (long?)e.Sequence, cancellationToken) ?? 0;
                return;
            }

            var changed = new List<(int CustomerId, int LineId)>();
            var after = lastChangeId.Value;
            var missing = gaps.Keys.ToList();
            var changes = await db.EtaChanges.AsNoTracking()
                .Where(c => c.Id > after || missing.Contains(c.Id))
                .OrderBy(c => c.Id)
                .Take(MaxRowsPerPoll)
                .Select(c => new { c.Id, c.CustomerId, c.OrderLineId })
                .ToListAsync(cancellationToken);
            changed.AddRange(changes.Select(c => (c.CustomerId, c.OrderLineId)));
            TrackGaps(after, changes.Select(c => c.Id).ToList());

            var afterSequence = lastEventSequence.Value;
            var events = await db.IntegrationEvents.AsNoTracking()
                .Where(e => e.Sequence > afterSequence)
                .OrderBy(e => e.Sequence)
                .Take(MaxRowsPerPoll)
                .Select(e => new { e.Sequence, e.CustomerId, e.OrderLineId })
                .ToListAsync(cancellationToken);
            if (events.Count > 0)
            {
                lastEventSequence = events[^1].Sequence;
                changed.AddRange(events.Select(e => (e.CustomerId, e.OrderLineId)));
            }

            foreach (var customer in changed.GroupBy(c => c.CustomerId))
            {
                if (subscriptions.TryGetValue(customer.Key, out var watching) && !watching.IsEmpty)
                {
                    var lineIds = customer.Select(c => c.LineId).ToHashSet();
                    foreach (var subscription in watching.Keys)
                    {
                        _ = NotifyAsync(subscription, lineIds);
                    }
                }
            }
        }
        finally
        {
            polling.Release();
        }
    }

    private void TrackGaps(long after, List<long> seen)
    {
        var now = clock.GetUtcNow();
        foreach (var id in seen)
        {
            gaps.Remove(id);
        }
        var newer = seen.Where(id => id > after).ToList();
        if (newer.Count > 0)
        {
            var expected = after + 1;
            // A jump of more than MaxGaps ids (SQL Server's identity cache after a restart) is no transaction in flight.
            if (newer[^1] - after - newer.Count <= MaxGaps)
            {
                var present = newer.ToHashSet();
                for (var id = expected; id < newer[^1]; id++)
                {
                    if (!present.Contains(id))
                    {
                        gaps.TryAdd(id, now);
                    }
                }
            }
            lastChangeId = newer[^1];
        }
        foreach (var (id, noticed) in gaps.ToList())
        {
            if (now - noticed > GapLifetime || gaps.Count > MaxGaps)
            {
                gaps.Remove(id);
            }
        }
    }

    private async Task NotifyAsync(Subscription subscription, IReadOnlySet<int> lineIds)
    {
        try
        {
            await subscription.OnChanged(lineIds);
        }
        catch (Exception exception)
        {
            // One page failing to update (its circuit just closed) never stops the others.
            logger.LogDebug(exception, "A live page update for customer {CustomerId} failed", subscription.CustomerId);
        }
    }

    private sealed class Subscription(LineChangeFeed feed, int customerId, Func<IReadOnlySet<int>, Task> onChanged) : IDisposable
    {
        public int CustomerId => customerId;

        public Func<IReadOnlySet<int>, Task> OnChanged => onChanged;

        public void Dispose()
        {
            if (feed.subscriptions.TryGetValue(customerId, out var watching))
            {
                watching.TryRemove(this, out _);
            }
        }
    }
}
