using BacklogPortal.Data;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace BacklogPortal.Notifications;

/// <summary>
/// Ready only while emails go out: the oldest email that is due (pending, its next attempt reached)
/// must not have waited longer than <see cref="NotificationsOptions.ReadyLagThreshold"/>. Emails waiting
/// for a retry or a digest hour are not due and do not count.
/// </summary>
public sealed class DispatchLagHealthCheck(
    IDbContextFactory<PortalDbContext> dbFactory, IOptions<NotificationsOptions> options, TimeProvider clock) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var now = clock.GetUtcNow();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var due = db.Notifications.AsNoTracking()
            .Where(n => (n.Status == NotificationStatus.Pending || n.Status == NotificationStatus.Retrying) && n.NextAttemptAt <= now);
        var oldestDue = await due.OrderBy(n => n.NextAttemptAt).Select(n => (DateTimeOffset?)n.NextAttemptAt).FirstOrDefaultAsync(cancellationToken);
        var lag = oldestDue is { } since ? now - since : TimeSpan.Zero;
        var data = new Dictionary<string, object> { ["oldestDueSeconds"] = (int)lag.TotalSeconds };
        return lag > options.Value.ReadyLagThreshold
            ? HealthCheckResult.Unhealthy($"An email has been due for {lag:d\\.hh\\:mm\\:ss} without being sent.", data: data)
            : HealthCheckResult.Healthy("Emails go out.", data);
    }
}
