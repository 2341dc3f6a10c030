using BacklogPortal.Data;

namespace BacklogPortal.Notifications;

internal abstract record Outcome(long Id);

internal sealed record Sent(long Id, DateTimeOffset At) : Outcome(Id);

internal sealed record Failed(long Id, DateTimeOffset At, int Attempts, bool Final, DateTimeOffset NextAttemptAt, string Error) : Outcome(Id);

/// <summary>Given back unsent (no attempt counted); the error, if any, tells staff why it waits.</summary>
internal sealed record Released(long Id, string? Error) : Outcome(Id);

/// <summary>
/// Writes delivery outcomes in small groups as they come in: a group is written when it holds
/// <see cref="MaxGroup"/> outcomes or <see cref="MaxGroupAge"/> after its first, whichever comes first.
/// An email accepted by the server but not yet recorded is the only one a crash sends twice, so senders
/// hold a slot from the start of a send until its outcome is committed, and there are only
/// <see cref="SendSlots"/> of them: two groups (one being committed while the next fills, so the
/// connections do not stall on every commit) plus one per connection. While the database is held by another
/// writer (the composer), sending pauses instead of piling up unrecorded acceptances: a kill re-sends at
/// most what was on the wire plus two small groups (36 with the default 4 connections).
/// </summary>
/// <remarks>
/// The dispatcher keeps one recorder for its whole life, not one per round: a round whose next batch is already
/// claimed ends when its last email is accepted, and the next round's first sends overlap the commit of the last
/// group (the slots still bound what is unrecorded, across rounds). Every outcome carries the claim it belongs to;
/// <see cref="FlushAsync"/> waits for everything added so far (docs/PERFORMANCE.md, "Email hand-off").
/// </remarks>
internal sealed class OutcomeRecorder
{
    /// <summary>Outcomes per transaction at most.</summary>
    public const int MaxGroup = 16;

    /// <summary>Sends that may be under way or accepted but not yet committed: two groups and one per connection.</summary>
    public static int SendSlots(int connections) => 2 * MaxGroup + connections;

    /// <summary>How long the first outcome of a group waits for more before the group is written anyway.</summary>
    public static readonly TimeSpan MaxGroupAge = TimeSpan.FromMilliseconds(20);

    /// <summary>A failed write is retried after this, doubling up to <see cref="MaxRetryDelay"/>, while the claim holds.</summary>
    private static readonly TimeSpan FirstRetryDelay = TimeSpan.FromMilliseconds(200);

    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(5);

    private readonly System.Threading.Channels.Channel<Item> outcomes =
        System.Threading.Channels.Channel.CreateUnbounded<Item>(new() { SingleReader = true });
    private readonly SemaphoreSlim sendSlots;
    private readonly IDbContextFactory<PortalDbContext> dbFactory;
    private readonly object databaseWrites;
    private readonly TimeProvider clock;
    private readonly ILogger logger;
    private readonly Task writing;

    /// <summary>One outcome and the claim it belongs to, or (Outcome null) a request to write what came before it at once.</summary>
    private readonly record struct Item(Outcome? Outcome, Claim? Claim, bool HoldsSlot, TaskCompletionSource? Flushed);

    /// <summary>A recorder that lives across claims: every outcome names its claim.</summary>
    /// <param name="connections">Sending connections: each may have one email on the wire besides the unrecorded group.</param>
    public OutcomeRecorder(IDbContextFactory<PortalDbContext> dbFactory, object databaseWrites, TimeProvider clock, ILogger logger, int connections)
    {
        sendSlots = new SemaphoreSlim(SendSlots(connections));
        this.dbFactory = dbFactory;
        this.databaseWrites = databaseWrites;
        this.clock = clock;
        this.logger = logger;
        // A thread of its own with synchronous calls, for the same reason as the claim (see StartClaim).
        writing = Task.Factory.StartNew(WriteLoop, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    /// <summary>An outcome that did not come from a send (a give-back, an email that could not be built).</summary>
    public void Add(Outcome outcome, Claim of) => outcomes.Writer.TryWrite(new(outcome, of, false, null));

    /// <summary>Waits until one more email may go on the wire; the slot is freed when <see cref="AddAfterSend"/>'s outcome is committed.</summary>
    public Task WaitForSendSlotAsync() => sendSlots.WaitAsync();

    /// <summary>Gives a slot back unused (the email was not sent after all).</summary>
    public void ReturnSendSlot() => sendSlots.Release();

    /// <summary>The outcome of a send of <paramref name="of"/> that holds a slot (from <see cref="WaitForSendSlotAsync"/>).</summary>
    public void AddAfterSend(Outcome outcome, Claim of) => outcomes.Writer.TryWrite(new(outcome, of, true, null));

    /// <summary>
    /// Waits until every outcome added so far is written (or given up on, see <see cref="WriteWithRetries"/>); the
    /// recorder goes on taking outcomes. Its database connection is closed when nothing else waits.
    /// </summary>
    public Task FlushAsync()
    {
        var flushed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!outcomes.Writer.TryWrite(new(null, null, false, flushed)))
        {
            // Completed: everything added was written when the writing loop ended.
            return writing;
        }
        // A loop that ended (it should not) must not leave the caller waiting for ever.
        return Task.WhenAny(flushed.Task, writing).Unwrap();
    }

    /// <summary>Waits until every outcome added so far is written; no more can be added.</summary>
    public Task CompleteAsync()
    {
        outcomes.Writer.TryComplete();
        return writing;
    }

    private void WriteLoop()
    {
        try
        {
            WriteGroups();
        }
        finally
        {
            CloseRoundContext();
            CloseStrategyOwner();
        }
    }

    private void WriteGroups()
    {
        var batch = new List<(Outcome Outcome, Claim Claim)>(MaxGroup);
        var flushes = new List<TaskCompletionSource>();
        var open = true;
        while (open && outcomes.Reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult())
        {
            // Real time, not the portal's clock: a test's frozen clock must not hold a group back for ever.
            var age = System.Diagnostics.Stopwatch.StartNew();
            var slots = 0;
            while (batch.Count < MaxGroup)
            {
                if (outcomes.Reader.TryRead(out var item))
                {
                    if (item.Flushed is { } flushed)
                    {
                        // Everything before the request is in this group: write it now.
                        flushes.Add(flushed);
                        break;
                    }
                    batch.Add((item.Outcome!, item.Claim!));
                    slots += item.HoldsSlot ? 1 : 0;
                    continue;
                }
                var left = MaxGroupAge - age.Elapsed;
                if (left <= TimeSpan.Zero)
                {
                    break;
                }
                var more = outcomes.Reader.WaitToReadAsync().AsTask();
                if (!more.Wait(left))
                {
                    break;
                }
                if (!more.Result)
                {
                    open = false;
                    break;
                }
            }
            try
            {
                if (batch.Count > 0)
                {
                    WriteWithRetries(batch);
                }
            }
            finally
            {
                batch.Clear();
                if (slots > 0)
                {
                    sendSlots.Release(slots);
                }
                if (flushes.Count > 0)
                {
                    if (!outcomes.Reader.TryPeek(out _))
                    {
                        // Idle (a burst's last round is recorded): no connection held between bursts.
                        CloseRoundContext();
                    }
                    foreach (var flushed in flushes)
                    {
                        flushed.TrySetResult();
                    }
                    flushes.Clear();
                }
            }
        }
    }

    private void WriteWithRetries(List<(Outcome Outcome, Claim Claim)> batch)
    {
        // The lease bounds the retries twice: on the portal's clock (which tests may freeze) and on
        // the wall clock, so that a frozen test clock cannot keep this thread retrying for ever. A group that
        // spans two claims is bounded by the one that runs out first.
        var until = batch.Min(o => o.Claim.Until);
        var realLimit = until - clock.GetUtcNow();
        var realElapsed = System.Diagnostics.Stopwatch.StartNew();
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                lock (databaseWrites)
                {
                    // A transient SQL Server fault writes the batch again in a new transaction (Data/UnitsOfWork),
                    // on a new context: Write drops the round's context when a write fails. The strategy comes from
                    // one context kept for the round, not from a new one per group.
                    strategyOwner ??= dbFactory.CreateDbContext();
                    strategyOwner.RunWithRetries(() => Write(batch));
                }
                return;
            }
            catch (Exception exception)
            {
                // Keep trying while the claim holds; after that another instance may send these
                // emails again, which is the best that can be done without a database.
                var delay = TimeSpan.FromMilliseconds(Math.Min(
                    FirstRetryDelay.TotalMilliseconds * Math.Pow(2, attempt - 1), MaxRetryDelay.TotalMilliseconds));
                if (clock.GetUtcNow() + delay >= until || realElapsed.Elapsed + delay >= realLimit)
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

    /// <summary>
    /// One context for the round's groups, its connection kept open: a context and a pooled connection (with its
    /// busy-timeout pragma, Data/SqliteBusyTimeout) per group of 16 were a tenth of the dispatcher's CPU. Each group
    /// still commits in a transaction of its own, so a crash loses at most the group being written.
    /// </summary>
    private PortalDbContext? roundContext;

    /// <summary>Only for its execution strategy (never opened): one per round instead of one per group.</summary>
    private PortalDbContext? strategyOwner;

    private void Write(List<(Outcome Outcome, Claim Claim)> batch)
    {
        if (roundContext is null)
        {
            roundContext = dbFactory.CreateDbContext();
            OpenWithoutWaitingForTheDisk(roundContext);
        }
        try
        {
            Write(roundContext, batch);
        }
        catch
        {
            // The connection or the context may be broken: the next attempt starts on a fresh one.
            CloseRoundContext();
            throw;
        }
    }

    /// <summary>
    /// On SQLite the recorder's commits do not wait for the disk (<c>synchronous = NORMAL</c>, on a connection of its
    /// own so that no other writer gets the setting from the pool). With SQLite's default (FULL) every group's commit
    /// waited for an fsync of the write-ahead log, and since senders wait for their group's commit (the send slots),
    /// that wait set the pace: a few milliseconds per 16 emails (docs/PERFORMANCE.md, "Email hand-off"). What NORMAL
    /// gives up is only the last commits on a power loss or an operating-system crash, never on a crash of the
    /// process (the log is written before the commit returns), and the database stays consistent: a Sent record lost
    /// that way is an email sent again after its lease, with the same Message-ID — the duplicate a kill can cause
    /// anyway, never a lost email.
    /// </summary>
    private static void OpenWithoutWaitingForTheDisk(PortalDbContext db)
    {
        var connectionString = db.Database.IsSqlite() ? db.Database.GetConnectionString() : null;
        var sqlite = connectionString is not null;
        if (sqlite)
        {
            db.Database.SetConnectionString(new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(connectionString) { Pooling = false }.ToString());
        }
        db.Database.OpenConnection();
        if (sqlite)
        {
            db.Database.ExecuteSqlRaw("PRAGMA synchronous = NORMAL;");
        }
    }

    private void CloseRoundContext()
    {
        roundContext?.Dispose();
        roundContext = null;
    }

    private void CloseStrategyOwner()
    {
        strategyOwner?.Dispose();
        strategyOwner = null;
    }

    private static void Write(PortalDbContext db, List<(Outcome Outcome, Claim Claim)> batch)
    {
        using var transaction = db.Database.BeginTransaction();

        // The hot path, one statement for all: accepted emails are Sent whoever holds the claim now.
        var sent = batch.Select(o => o.Outcome).OfType<Sent>().ToList();
        foreach (var chunk in sent.Chunk(DatabaseLimits.MaxIdsPerStatement))
        {
            MarkSent(db, chunk);
        }

        // Failures and give-backs only touch an email while this round still holds its claim.
        foreach (var (failed, claim) in batch.Where(o => o.Outcome is Failed).Select(o => ((Failed)o.Outcome, o.Claim)))
        {
            Claimed(db, failed.Id, claim).ExecuteUpdate(s => s
                .SetProperty(n => n.Status, failed.Final ? NotificationStatus.Failed : NotificationStatus.Retrying)
                .SetProperty(n => n.Attempts, failed.Attempts)
                .SetProperty(n => n.LastAttemptAt, failed.At)
                .SetProperty(n => n.NextAttemptAt, failed.NextAttemptAt)
                .SetProperty(n => n.LastError, failed.Error)
                .SetProperty(n => n.LeaseOwner, (string?)null)
                .SetProperty(n => n.LeaseExpiresAt, (DateTimeOffset?)null));
        }
        // Give-backs in one statement per reason: a round given back at its margin is hundreds of rows.
        foreach (var reason in batch.Where(o => o.Outcome is Released).GroupBy(o => (o.Claim, ((Released)o.Outcome).Error)))
        {
            var (claim, error) = reason.Key;
            foreach (var chunk in reason.Chunk(DatabaseLimits.MaxIdsPerStatement))
            {
                var ids = chunk.Select(r => r.Outcome.Id).ToArray();
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

    /// <summary>
    /// The hot statement as plain SQL: EF's <c>ExecuteUpdate</c> rebuilt, funcletized and looked up its expression tree
    /// for every group (about 6 % of the dispatcher's CPU, docs/PERFORMANCE.md "Email hand-off"). The ids and the status
    /// are numbers spliced as digits (a <c>long</c> prints nothing else); the instant is a parameter made by the
    /// column's own EF type mapping, so it is stored as EF stores it (ticks on SQLite). Double-quoted names are
    /// standard SQL: SQLite and SQL Server (QUOTED_IDENTIFIER, the default) both read them.
    /// </summary>
    private static void MarkSent(PortalDbContext db, Sent[] chunk)
    {
        var at = chunk.Max(s => s.At);
        var sent = (int)NotificationStatus.Sent;
        var ids = string.Join(", ", chunk.Select(s => s.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        using var factory = db.Database.GetDbConnection().CreateCommand();
        var mapping = db.Model.FindEntityType(typeof(Notification))!.FindProperty(nameof(Notification.SentAt))!.GetRelationalTypeMapping();
        var instant = mapping.CreateParameter(factory, "@at", at, nullable: true);
        var update = $"""
            UPDATE "Notifications"
            SET "Status" = {sent}, "SentAt" = @at, "LastAttemptAt" = @at, "Attempts" = "Attempts" + 1,
                "LastError" = NULL, "LeaseOwner" = NULL, "LeaseExpiresAt" = NULL
            WHERE "Id" IN ({ids}) AND "Status" <> {sent}
            """;
        db.Database.ExecuteSqlRaw(update, instant);
    }

    private static IQueryable<Notification> Claimed(PortalDbContext db, long id, Claim claim) =>
        db.Notifications.Where(n => n.Id == id && n.LeaseOwner == claim.Owner && n.LeaseExpiresAt == claim.Until);
}
