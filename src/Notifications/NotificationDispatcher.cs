using System.Collections.Concurrent;
using BacklogPortal.Data;
using BacklogPortal.Telemetry;
using BacklogPortal.Email;
using BacklogPortal.Hosting;
using MimeKit;

namespace BacklogPortal.Notifications;

/// <summary>The outcome of one dispatch round.</summary>
/// <param name="Claimed">Emails this round claimed.</param>
/// <param name="Sent">Emails the server accepted.</param>
/// <param name="ServerUnavailable">The SMTP server could not be reached; the rest of the round was given back.</param>
public sealed record DispatchResult(int Claimed, int Sent, bool ServerUnavailable)
{
    public static readonly DispatchResult Idle = new(0, 0, false);
}

/// <summary>
/// Sends due notifications. A round claims up to <c>BatchSize</c> due emails with a lease (owner and
/// expiry written by one conditional UPDATE, so instances sharing the database never claim the same
/// email), sends them in parallel over a few long-lived connections, and records every outcome right
/// after the server answered. A claim that outlives its lease is taken over by any instance.
/// </summary>
public sealed class NotificationDispatcher : IAsyncDisposable
{
    private readonly IDbContextFactory<PortalDbContext> dbFactory;
    private readonly NotificationsOptions settings;
    private readonly MailboxAddress from;
    private readonly PortalLinks links;
    private readonly TimeProvider clock;
    private readonly ILogger<NotificationDispatcher> logger;
    private readonly IMailConnection[] connections;
    private readonly TimeSpan leaseMargin;
    private readonly SemaphoreSlim oneRoundAtATime = new(1, 1);
    // Claims and outcome records take turns: on SQLite two writers that meet are retried by
    // Microsoft.Data.Sqlite after 150 ms sleeps, which stalled the next batch or the records.
    private readonly object databaseWrites = new();
    private Task<ClaimedBatch?>? prefetched;
    // One for the dispatcher's life (created with its first round): a round that hands over to a claimed-ahead batch
    // does not wait for its last group's commit, and the send slots bound what is unrecorded across rounds.
    private OutcomeRecorder? recorder;
    private DateTimeOffset lastClaimUntil;
    private int sendersWaitingForRecords;

    public NotificationDispatcher(
        IDbContextFactory<PortalDbContext> dbFactory,
        MailConnectionFactory connectionFactory,
        IOptions<NotificationsOptions> options,
        IOptions<EmailOptions> email,
        IOptions<PortalOptions> portal,
        TimeProvider clock,
        ILogger<NotificationDispatcher> logger,
        string ownerId)
    {
        this.dbFactory = dbFactory;
        settings = options.Value;
        from = MailboxAddress.Parse(email.Value.From);
        links = new PortalLinks(portal.Value.PublicBaseUrl);
        this.clock = clock;
        this.logger = logger;
        OwnerId = ownerId;
        connections = [.. Enumerable.Range(0, settings.SmtpConnections).Select(_ => connectionFactory.Create(settings.SmtpIdleCheck))];
        // An email is only started while its claim has time left for a whole SMTP exchange; a
        // slower one is given back, so a taken-over claim is never sent twice at the same time.
        leaseMargin = connectionFactory.UsesSmtp
            ? TimeSpan.FromTicks(Math.Min(email.Value.Smtp.Timeout.Ticks, settings.LeaseDuration.Ticks / 2))
            : settings.LeaseDuration / 10;
    }

    /// <summary>
    /// Connections that hold a built email but wait for a send slot, i.e. for earlier outcomes to be
    /// committed. When it equals the connection count, nothing of this dispatcher is on the wire, so a test
    /// can tell "sending has stopped" from "sending is slow" without watching the clock.
    /// </summary>
    internal int SendersWaitingForRecords => Volatile.Read(ref sendersWaitingForRecords);

    /// <summary>Identifies this dispatcher's claims in the database; unique per running instance.</summary>
    public string OwnerId { get; }

    public static string NewOwnerId() => $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid().ToString("n")[..8]}";

    /// <summary>
    /// One round: claim due emails, send them, record the outcomes. When the round's batch is full
    /// (more is probably due) the next batch is claimed while this one is on the wire, so the
    /// connections do not idle through the claim; the next round sends it. A round that ends without a batch
    /// claimed ahead returns when every outcome is committed; one that has a batch waiting returns when its
    /// last email is accepted, and its last group is committed while the next round sends.
    /// </summary>
    public async Task<DispatchResult> DispatchDueAsync(CancellationToken stoppingToken = default)
    {
        await oneRoundAtATime.WaitAsync(stoppingToken);
        try
        {
            // Taken out before awaiting: a claim-ahead that failed must not fail every round after it.
            var pending = prefetched;
            prefetched = null;
            var batch = await (pending ?? StartClaim(stoppingToken));
            if (batch is null)
            {
                // The burst is over: the last round's outcomes are in the database before the caller looks.
                await FlushAsync();
                return DispatchResult.Idle;
            }
            if (batch.Notifications.Count >= settings.BatchSize)
            {
                prefetched = StartClaim(stoppingToken);
            }
            var result = await SendAsync(batch.Notifications, batch.Claim, stoppingToken);
            if (result.ServerUnavailable || stoppingToken.IsCancellationRequested)
            {
                await ReleasePrefetchedAsync();
            }
            if (prefetched is null)
            {
                // Nothing claimed ahead (the last round of a burst, a stop, the server away): every outcome of
                // this round is committed when the round returns. Otherwise the next round's sends overlap the
                // commit of this round's last group; its send slots keep the unrecorded emails bounded meanwhile.
                await FlushAsync();
            }
            return result;
        }
        finally
        {
            oneRoundAtATime.Release();
        }
    }

    /// <summary>
    /// Claims on a thread of its own with synchronous calls. SQLite's async calls complete
    /// synchronously (and wait for the write lock by sleeping), so on the thread pool a claim of
    /// 500 rows would hold one of the few pool threads the sending connections' continuations need.
    /// </summary>
    private Task<ClaimedBatch?> StartClaim(CancellationToken cancellationToken) =>
        Task.Factory.StartNew(() => ClaimBatch(cancellationToken), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    private ClaimedBatch? ClaimBatch(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var now = clock.GetUtcNow();
        var claim = new Claim(OwnerId, NextClaimExpiry(now));
        using var db = dbFactory.CreateDbContext();
        // Open for the claim and the read after it: one open (and one busy-timeout pragma, Data/SqliteBusyTimeout), not one per statement.
        db.Database.OpenConnection();
        int count;
        lock (databaseWrites)
        {
            count = Claim(db, now, claim);
        }
        if (count == 0)
        {
            return null;
        }
        // Not cancelled from here on: rows claimed must reach the caller, which gives them back.
        // Only the finished MIME body is read with the row, not the parts (they are for the staff page): half the
        // bytes, and a fifth of the allocations, of reading the whole body (docs/PERFORMANCE.md, "Email hand-off").
        var claimed = db.Notifications.AsNoTracking()
            .Where(n => n.LeaseOwner == claim.Owner && n.LeaseExpiresAt == claim.Until)
            .OrderBy(n => n.NextAttemptAt).ThenBy(n => n.Id)
            .Select(n => new ClaimedEmail(n, n.Body!.MimeBody))
            .ToList();
        // Rows stored before MimeBody existed are built from their parts.
        var unrendered = claimed.Where(c => c.MimeBody is null).Select(c => c.Notification).ToList();
        foreach (var chunk in unrendered.Chunk(DatabaseLimits.MaxIdsPerStatement))
        {
            var ids = chunk.Select(n => n.Id).ToArray();
            var bodies = db.NotificationBodies.AsNoTracking().Where(b => ids.Contains(b.NotificationId)).ToDictionary(b => b.NotificationId);
            foreach (var notification in chunk)
            {
                notification.Body = bodies.GetValueOrDefault(notification.Id);
            }
        }
        return new ClaimedBatch(claim, claimed);
    }

    /// <summary>Gives a claimed-ahead batch back at once, so no instance waits for its lease to run out.</summary>
    private async Task ReleasePrefetchedAsync()
    {
        if (prefetched is not { } pending)
        {
            return;
        }
        prefetched = null;
        try
        {
            if (await pending is { } batch)
            {
                var outcomes = Recorder;
                foreach (var (notification, _) in batch.Notifications)
                {
                    outcomes.Add(new Released(notification.Id, null), batch.Claim);
                }
                await outcomes.FlushAsync();
            }
        }
        catch (Exception exception)
        {
            logger.LogWarning(exception, "Claimed-ahead emails could not be given back; they are taken over when their lease expires");
        }
    }

    /// <summary>When the next email becomes due (or a foreign claim runs out); null when nothing waits.</summary>
    public async Task<DateTimeOffset?> NextDueAtAsync(CancellationToken cancellationToken = default)
    {
        var now = clock.GetUtcNow();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var waiting = db.Notifications.Where(n => n.Status == NotificationStatus.Pending || n.Status == NotificationStatus.Retrying);
        var free = await waiting
            .Where(n => n.LeaseExpiresAt == null || n.LeaseExpiresAt < now)
            .MinAsync(n => (DateTimeOffset?)n.NextAttemptAt, cancellationToken);
        var leased = await waiting
            .Where(n => n.LeaseExpiresAt >= now)
            .MinAsync(n => n.LeaseExpiresAt, cancellationToken);
        return (free, leased) switch
        {
            (null, var l) => l,
            (var f, null) => f,
            var (f, l) => f < l ? f : l,
        };
    }

    private int Claim(PortalDbContext db, DateTimeOffset now, Claim claim)
    {
        // The due predicate is repeated on the outer UPDATE: a row another instance claimed between
        // the subquery and the update is re-checked there and skipped (SQL Server re-evaluates it
        // under the row lock; SQLite runs the whole statement under its write lock).
        var due = Due(db.Notifications, now);
        var batch = due.OrderBy(n => n.NextAttemptAt).ThenBy(n => n.Id).Select(n => n.Id).Take(settings.BatchSize);
        return Due(db.Notifications, now)
            .Where(n => batch.Contains(n.Id))
            .ExecuteUpdate(s => s
                .SetProperty(n => n.LeaseOwner, claim.Owner)
                .SetProperty(n => n.LeaseExpiresAt, claim.Until));
    }

    private static IQueryable<Notification> Due(IQueryable<Notification> notifications, DateTimeOffset now) =>
        notifications.Where(n =>
            (n.Status == NotificationStatus.Pending || n.Status == NotificationStatus.Retrying)
            && n.NextAttemptAt <= now
            && (n.LeaseExpiresAt == null || n.LeaseExpiresAt < now));

    private OutcomeRecorder Recorder => recorder ??= new OutcomeRecorder(dbFactory, databaseWrites, clock, logger, connections.Length);

    private Task FlushAsync() => recorder?.FlushAsync() ?? Task.CompletedTask;

    private async Task<DispatchResult> SendAsync(List<ClaimedEmail> claimed, Claim claim, CancellationToken stoppingToken)
    {
        var queue = new ConcurrentQueue<ClaimedEmail>(claimed);
        var recorder = Recorder;
        var sent = 0;
        var serverUnavailable = 0;
        string? unavailableError = null;

        // A message is built while the previous one on the same connection is on the wire, so the
        // CPU work of MIME building overlaps the server's round trip instead of adding to it.
        Prepared? Next()
        {
            while (queue.TryDequeue(out var email))
            {
                var notification = email.Notification;
                try
                {
                    return new Prepared(notification, email.MimeBody is { } mimeBody
                        ? NotificationMessage.Build(notification, mimeBody, from, links)
                        : NotificationMessage.Build(notification, notification.Body ?? throw new InvalidOperationException("The email's content is missing."), from, links));
                }
                catch (Exception exception)
                {
                    // A stored email that cannot even be built (an invalid address) will not get better.
                    recorder.Add(Failure(notification, permanent: true, $"Invalid email: {exception.Message}"), claim);
                }
            }
            return null;
        }

        async Task WorkAsync(IMailConnection connection)
        {
            var next = Next();
            while (next is var (notification, message))
            {
                // MIME entities have finalizers: a message not disposed survives a collection and is finalized on
                // the finalizer thread; disposed here, the garbage collector frees it at once.
                using (message)
                {
                    next = null;
                    // Waits while a full group of accepted emails is not yet recorded (see OutcomeRecorder), before
                    // the checks below, so that they hold for the send that follows.
                    var slot = recorder.WaitForSendSlotAsync();
                    if (!slot.IsCompleted)
                    {
                        Interlocked.Increment(ref sendersWaitingForRecords);
                        try
                        {
                            await slot;
                        }
                        finally
                        {
                            Interlocked.Decrement(ref sendersWaitingForRecords);
                        }
                    }
                    if (stoppingToken.IsCancellationRequested || Volatile.Read(ref serverUnavailable) != 0)
                    {
                        recorder.ReturnSendSlot();
                        recorder.Add(new Released(notification.Id, unavailableError), claim);
                        break;
                    }
                    if (clock.GetUtcNow() > claim.Until - leaseMargin)
                    {
                        recorder.ReturnSendSlot();
                        recorder.Add(new Released(notification.Id, null), claim);
                        next = Next();
                        continue;
                    }
                    var span = EmailTraces.StartSend(notification);
                    try
                    {
                        // Not cancelled by shutdown: an email abandoned halfway might have arrived; the
                        // SMTP timeout bounds the wait instead.
                        var handedOver = System.Diagnostics.Stopwatch.GetTimestamp();
                        var sending = connection.SendAsync(message, CancellationToken.None);
                        if (!sending.IsCompleted)
                        {
                            next = Next();
                        }
                        await sending;
                        recorder.AddAfterSend(new Sent(notification.Id, clock.GetUtcNow()), claim);
                        Interlocked.Increment(ref sent);
                        PortalMetrics.EmailSent(System.Diagnostics.Stopwatch.GetElapsedTime(handedOver));
                        EmailTraces.EndSend(span, "sent");
                    }
                    catch (MailServerUnavailableException exception)
                    {
                        // The server is away, not this email: give the whole round back and let the loop back off.
                        unavailableError = DeliveryFailures.Describe(exception);
                        Interlocked.Exchange(ref serverUnavailable, 1);
                        recorder.AddAfterSend(new Released(notification.Id, unavailableError), claim);
                        EmailTraces.EndSend(span, "released", unavailableError);
                        logger.LogWarning(exception, "SMTP server unavailable; {Count} claimed email(s) given back", queue.Count + 1);
                    }
                    catch (Exception exception)
                    {
                        var permanent = DeliveryFailures.IsPermanent(exception);
                        var outcome = Failure(notification, permanent, DeliveryFailures.Describe(exception));
                        recorder.AddAfterSend(outcome, claim);
                        EmailTraces.EndSend(span, outcome.Final ? "failed" : "retry", outcome.Error);
                        if (outcome.Final)
                        {
                            PortalMetrics.EmailFailed();
                        }
                        else
                        {
                            PortalMetrics.EmailRetried();
                        }
                        logger.LogWarning(exception, "Notification {Id} to {To} failed (attempt {Attempt}, {Outcome})",
                            notification.Id, notification.ToAddress, outcome.Attempts, outcome.Final ? "final" : $"retry at {outcome.NextAttemptAt:O}");
                    }
                    if (next is null && !stoppingToken.IsCancellationRequested && Volatile.Read(ref serverUnavailable) == 0)
                    {
                        next = Next();
                    }
                }
            }
            if (next is { } unsent)
            {
                unsent.Message.Dispose();
                recorder.Add(new Released(unsent.Notification.Id, unavailableError), claim);
            }
        }

        await Task.WhenAll(connections.Select(c => Task.Run(() => WorkAsync(c), CancellationToken.None)));
        // Whatever is left (shutdown, server away) goes back at once instead of waiting out the lease.
        while (queue.TryDequeue(out var left))
        {
            recorder.Add(new Released(left.Notification.Id, unavailableError), claim);
        }
        if (sent > 0)
        {
            logger.LogInformation("Dispatcher {Owner} handed {Sent} of {Claimed} claimed email(s) to the mail server", OwnerId, sent, claimed.Count);
        }
        return new DispatchResult(claimed.Count, sent, serverUnavailable != 0);
    }

    private Failed Failure(Notification notification, bool permanent, string error)
    {
        var now = clock.GetUtcNow();
        var attempts = notification.Attempts + 1;
        var next = now + DeliveryFailures.Backoff(attempts, settings);
        var final = permanent || attempts >= settings.MaxAttempts || next > notification.CreatedAt + settings.RetryLifetime;
        return new Failed(notification.Id, now, attempts, final, next, error);
    }

    // A claim is told apart from this dispatcher's other claims by its expiry, so no two get the
    // same one, even within one millisecond (or under a test's frozen clock).
    private DateTimeOffset NextClaimExpiry(DateTimeOffset now)
    {
        var until = Truncate(now + settings.LeaseDuration);
        lock (oneRoundAtATime)
        {
            if (until <= lastClaimUntil)
            {
                until = lastClaimUntil.AddMilliseconds(1);
            }
            lastClaimUntil = until;
        }
        return until;
    }

    // SQLite keeps instants to a tenth of a millisecond (binary ticks / 1000); a claim is re-read by
    // equality, so its expiry must survive the round trip unchanged.
    private static DateTimeOffset Truncate(DateTimeOffset instant) =>
        new(instant.Ticks - instant.Ticks % TimeSpan.TicksPerMillisecond, instant.Offset);

    public async ValueTask DisposeAsync()
    {
        await ReleasePrefetchedAsync();
        if (recorder is not null)
        {
            await recorder.CompleteAsync();
        }
        foreach (var connection in connections)
        {
            await connection.DisposeAsync();
        }
        oneRoundAtATime.Dispose();
    }
}

internal sealed record Claim(string Owner, DateTimeOffset Until);

internal sealed record Prepared(Notification Notification, MimeMessage Message);

/// <summary>A claimed row and its finished MIME body (null on a row stored before it existed: then <see cref="Notification.Body"/> is read).</summary>
internal sealed record ClaimedEmail(Notification Notification, byte[]? MimeBody);

internal sealed record ClaimedBatch(Claim Claim, List<ClaimedEmail> Notifications);
