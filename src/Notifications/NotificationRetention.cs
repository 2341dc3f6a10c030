using BacklogPortal.Data;
using BacklogPortal.Hosting;

namespace BacklogPortal.Notifications;

/// <summary>
/// Keeps the two tables that grow with every email from growing forever: after <see cref="NotificationsOptions.Retention"/>
/// the content of sent emails (<see cref="NotificationBody"/>: the bulk of the bytes) and the outbox rows the composer
/// has handled are deleted. The <see cref="Notification"/> row itself (recipient, subject, Message-ID, when sent), the
/// ETA audit trail and the customers' answers stay: they prove that a delay was announced and how the customer
/// answered. Bodies of failed emails stay too, so staff can still send them again.
/// <para>
/// Deletes in small batches, each its own short statement: on SQLite the write lock is held for milliseconds at a
/// time, so the dispatcher and staff changes interleave with a large first clean-up instead of waiting for it.
/// </para>
/// </summary>
public sealed class NotificationRetention(
    IDbContextFactory<PortalDbContext> dbFactory, IOptions<NotificationsOptions> options, TimeProvider clock, ILogger<NotificationRetention> logger)
{
    /// <summary>Rows deleted per statement.</summary>
    public const int DefaultBatchSize = 500;

    public async Task<RetentionResult> RunAsync(int batchSize = DefaultBatchSize, CancellationToken cancellationToken = default)
    {
        var cutoff = clock.GetUtcNow() - options.Value.Retention;
        var bodies = await DeleteInBatchesAsync(db => db.NotificationBodies
            .Where(b => db.Notifications.Any(n => n.Id == b.NotificationId && n.Status == NotificationStatus.Sent && n.SentAt < cutoff))
            .OrderBy(b => b.NotificationId).Take(batchSize), cancellationToken);
        var entries = await DeleteInBatchesAsync(db => db.NotificationOutbox
            .Where(e => e.ProcessedAt < cutoff)
            .OrderBy(e => e.Id).Take(batchSize), cancellationToken);
        if (bodies + entries > 0)
        {
            logger.LogInformation("Retention ({Retention}): deleted {Bodies} sent email bodies and {Entries} handled outbox rows",
                options.Value.Retention, bodies, entries);
        }
        return new RetentionResult(bodies, entries);

        async Task<int> DeleteInBatchesAsync<T>(Func<PortalDbContext, IQueryable<T>> batch, CancellationToken token)
        {
            var total = 0;
            while (true)
            {
                token.ThrowIfCancellationRequested();
                await using var db = await dbFactory.CreateDbContextAsync(token);
                var deleted = await batch(db).ExecuteDeleteAsync(token);
                total += deleted;
                if (deleted < batchSize)
                {
                    return total;
                }
            }
        }
    }
}

/// <summary>Runs <see cref="NotificationRetention"/> at start and then hourly: often enough that one run deletes about an hour's worth of rows.</summary>
internal sealed class NotificationRetentionService(
    NotificationRetention retention, IOptions<NotificationsOptions> options, TimeProvider clock, ILogger<NotificationRetentionService> logger)
    : PeriodicBackgroundService(clock, logger)
{
    protected override TimeSpan Interval => TimeSpan.FromHours(1);

    protected override bool Enabled => options.Value.BackgroundProcessing;

    protected override Task RunOnceAsync(CancellationToken cancellationToken) => retention.RunAsync(cancellationToken: cancellationToken);
}

/// <summary>What one retention run deleted.</summary>
public readonly record struct RetentionResult(int Bodies, int OutboxEntries);
