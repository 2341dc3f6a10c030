using BacklogPortal.Data;
using BacklogPortal.Domain;
using Microsoft.EntityFrameworkCore;

namespace BacklogPortal.Notifications;

internal abstract record Outcome(long Id);

internal sealed record Sent(long Id, DateTimeOffset At) : Outcome(Id);

internal sealed record Failed(long Id, DateTimeOffset At, int Attempts, bool Final, DateTimeOffset NextAttemptAt, string Error) : Outcome(Id);

/// <summary>Given back unsent (no attempt counted); the error, if any, tells staff why it waits.</summary>
internal sealed record Released(long Id, string? Error) : Outcome(Id);

/// <summary>
/// Writes delivery outcomes as they come in, group-commit style: whatever arrived while the last
/// write ran goes into the next transaction. Senders never wait for the database, and an accepted
/// email is recorded within milliseconds while the database is free (longer while another writer,
/// such as the composer, holds it): that window is the only one in which a crash can cause a duplicate.
/// </summary>
internal sealed class OutcomeRecorder
{
    /// <summary>A failed write is retried after this, doubling up to <see cref="MaxRetryDelay"/>, while the claim holds.</summary>
    private static readonly TimeSpan FirstRetryDelay = TimeSpan.FromMilliseconds(200);

    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(5);

    private readonly System.Threading.Channels.Channel<Outcome> outcomes =
        System.Threading.Channels.Channel.CreateUnbounded<Outcome>(new() { SingleReader = true });
    private readonly IDbContextFactory<PortalDbContext> dbFactory;
    private readonly object databaseWrites;
    private readonly Claim claim;
    private readonly TimeProvider clock;
    private readonly ILogger logger;
    private readonly Task writing;

    public OutcomeRecorder(IDbContextFactory<PortalDbContext> dbFactory, object databaseWrites, Claim claim, TimeProvider clock, ILogger logger)
    {
        this.dbFactory = dbFactory;
        this.databaseWrites = databaseWrites;
        this.claim = claim;
        this.clock = clock;
        this.logger = logger;
        // A thread of its own with synchronous calls, for the same reason as the claim (see StartClaim).
        writing = Task.Factory.StartNew(WriteLoop, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    public void Add(Outcome outcome) => outcomes.Writer.TryWrite(outcome);

    /// <summary>Waits until every outcome added so far is written.</summary>
    public Task CompleteAsync()
    {
        outcomes.Writer.TryComplete();
        return writing;
    }

    private void WriteLoop()
    {
        var batch = new List<Outcome>();
        while (outcomes.Reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult())
        {
            while (outcomes.Reader.TryRead(out var outcome))
            {
                batch.Add(outcome);
            }
            WriteWithRetries(batch);
            batch.Clear();
        }
    }

    private void WriteWithRetries(List<Outcome> batch)
    {
        // The lease bounds the retries twice: on the portal's clock (which tests may freeze) and on
        // the wall clock, so that a frozen test clock cannot keep this thread retrying for ever.
        var realLimit = claim.Until - clock.GetUtcNow();
        var realElapsed = System.Diagnostics.Stopwatch.StartNew();
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                lock (databaseWrites)
                {
                    // A transient SQL Server fault writes the batch again in a new transaction (Data/UnitsOfWork).
                    dbFactory.RunWithRetries(() => Write(batch));
                }
                return;
            }
            catch (Exception exception)
            {
                // Keep trying while the claim holds; after that another instance may send these
                // emails again, which is the best that can be done without a database.
                var delay = TimeSpan.FromMilliseconds(Math.Min(
                    FirstRetryDelay.TotalMilliseconds * Math.Pow(2, attempt - 1), MaxRetryDelay.TotalMilliseconds));
                if (clock.GetUtcNow() + delay >= claim.Until || realElapsed.Elapsed + delay >= realLimit)
                {
                    logger.LogError(exception, "Could not record {Count} delivery outcome(s); the emails will be retried after their lease expires", batch.Count);
                    return;
                }
                logger.LogWarning(exception, "Recording {Count} delivery outcome(s) failed; retrying", batch.Count);
                // A real wait on this dedicated thread: it waits for the database's lock to go, which
                // happens in real time. (Blocking on Task.Delay of the injected clock would never end
                // under a test's FakeTimeProvider.)
                Thread.Sleep(delay);
            }
        }
    }

    private void Write(List<Outcome> batch)
    {
        using var db = dbFactory.CreateDbContext();
        NotificationDispatcher.WaitInsideSqlite(db);
        using var transaction = db.Database.BeginTransaction();

        // The hot path, one statement for all: accepted emails are Sent whoever holds the claim now.
        var sent = batch.OfType<Sent>().ToList();
        foreach (var chunk in sent.Chunk(DatabaseLimits.MaxIdsPerStatement))
        {
            var ids = chunk.Select(s => s.Id).ToArray();
            var at = chunk.Max(s => s.At);
            db.Notifications
                .Where(n => ids.Contains(n.Id) && n.Status != NotificationStatus.Sent)
                .ExecuteUpdate(s => s
                    .SetProperty(n => n.Status, NotificationStatus.Sent)
                    .SetProperty(n => n.SentAt, at)
                    .SetProperty(n => n.LastAttemptAt, at)
                    .SetProperty(n => n.Attempts, n => n.Attempts + 1)
                    .SetProperty(n => n.LastError, (string?)null)
                    .SetProperty(n => n.LeaseOwner, (string?)null)
                    .SetProperty(n => n.LeaseExpiresAt, (DateTimeOffset?)null));
        }

        // Failures and give-backs only touch an email while this round still holds its claim.
        foreach (var failed in batch.OfType<Failed>())
        {
            Claimed(db, failed.Id).ExecuteUpdate(s => s
                .SetProperty(n => n.Status, failed.Final ? NotificationStatus.Failed : NotificationStatus.Retrying)
                .SetProperty(n => n.Attempts, failed.Attempts)
                .SetProperty(n => n.LastAttemptAt, failed.At)
                .SetProperty(n => n.NextAttemptAt, failed.NextAttemptAt)
                .SetProperty(n => n.LastError, failed.Error)
                .SetProperty(n => n.LeaseOwner, (string?)null)
                .SetProperty(n => n.LeaseExpiresAt, (DateTimeOffset?)null));
        }
        // Give-backs in one statement per reason: a round given back at its margin is hundreds of rows.
        foreach (var reason in batch.OfType<Released>().GroupBy(r => r.Error))
        {
            foreach (var chunk in reason.Chunk(DatabaseLimits.MaxIdsPerStatement))
            {
                var ids = chunk.Select(r => r.Id).ToArray();
                var error = reason.Key;
                db.Notifications
                    .Where(n => ids.Contains(n.Id) && n.LeaseOwner == claim.Owner && n.LeaseExpiresAt == claim.Until)
                    .ExecuteUpdate(s => s
                        .SetProperty(n => n.LastError, n => error ?? n.LastError)
                        .SetProperty(n => n.LeaseOwner, (string?)null)
                        .SetProperty(n => n.LeaseExpiresAt, (DateTimeOffset?)null));
            }
        }
        transaction.Commit();
    }

    private IQueryable<Notification> Claimed(PortalDbContext db, long id) =>
        db.Notifications.Where(n => n.Id == id && n.LeaseOwner == claim.Owner && n.LeaseExpiresAt == claim.Until);
}
