using BacklogPortal.Data;
using BacklogPortal.Hosting;

namespace BacklogPortal.Telemetry;

/// <summary>What the outbox holds at one moment: every email not sent yet, and how long the oldest has waited.</summary>
public readonly record struct OutboxSample(long Depth, TimeSpan OldestPendingAge);

/// <summary>
/// Samples the outbox on a timer for the <c>portal.outbox.*</c> gauges. A gauge's callback runs on the exporter's
/// thread at every collection and cannot wait for a database; two indexed queries every
/// <see cref="TelemetryOptions.OutboxSampleInterval"/> cost nothing and answer any number of collections.
/// Counts both halves of the path: outbox entries the composer has not taken yet (coalescing window, digest hour)
/// and composed emails not yet accepted by the SMTP server.
/// </summary>
public sealed class OutboxGauges(
    IDbContextFactory<PortalDbContext> dbFactory, IOptions<TelemetryOptions> options, TimeProvider clock, ILogger<OutboxGauges> logger)
    : PeriodicBackgroundService(clock, logger)
{
    private OutboxSample latest;

    public OutboxSample Latest => latest;

    public async Task<OutboxSample> SampleAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var waitingEntries = db.NotificationOutbox.AsNoTracking().Where(e => e.ProcessedAt == null);
        var unsentEmails = db.Notifications.AsNoTracking()
            .Where(n => n.Status == NotificationStatus.Pending || n.Status == NotificationStatus.Retrying);
        var depth = await waitingEntries.LongCountAsync(cancellationToken) + await unsentEmails.LongCountAsync(cancellationToken);
        var oldestEntry = await waitingEntries.OrderBy(e => e.Id).Select(e => (DateTimeOffset?)e.CreatedAt).FirstOrDefaultAsync(cancellationToken);
        var oldestEmail = await unsentEmails.OrderBy(n => n.Id).Select(n => (DateTimeOffset?)n.CreatedAt).FirstOrDefaultAsync(cancellationToken);
        var oldest = new[] { oldestEntry, oldestEmail }.Min();
        var sample = new OutboxSample(depth, oldest is { } since ? Clock.GetUtcNow() - since : TimeSpan.Zero);
        latest = sample;
        return sample;
    }

    // A failed sample keeps the gauges at their last value; the health checks report a database outage.
    protected override TimeSpan Interval => options.Value.OutboxSampleInterval;

    protected override Task RunOnceAsync(CancellationToken cancellationToken) => SampleAsync(cancellationToken);
}
