using Microsoft.Extensions.Options;

namespace BacklogPortal.Notifications;

/// <summary>
/// The composing loop: overdue scans on their interval, then emails for every customer that is due.
/// Sleeps until the next customer becomes due, the poll interval passes, or a commit wakes it.
/// </summary>
internal sealed class NotificationComposerService(
    NotificationComposer composer,
    OverdueReminders overdueReminders,
    OutboxSignal signal,
    IOptions<NotificationsOptions> options,
    TimeProvider clock,
    ILogger<NotificationComposerService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        if (!settings.BackgroundProcessing)
        {
            logger.LogInformation("Notification composing is off in this instance (Notifications:BackgroundProcessing)");
            return;
        }
        var nextOverdueScan = clock.GetUtcNow();
        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            TimeSpan wait;
            try
            {
                if (clock.GetUtcNow() >= nextOverdueScan)
                {
                    await overdueReminders.ScanAsync(stoppingToken);
                    nextOverdueScan = clock.GetUtcNow() + settings.OverdueScanInterval;
                }
                var result = await composer.ComposeDueAsync(stoppingToken);
                failures = 0;
                if (result.MoreDue)
                {
                    continue;
                }
                var now = clock.GetUtcNow();
                wait = Shortest(settings.PollInterval, result.NextDueAt - now, nextOverdueScan - now);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception exception)
            {
                // The database may be away; keep the host alive and try again a little later each time.
                failures++;
                wait = Backoff.After(failures, settings.PollInterval);
                logger.LogError(exception, "Composing notifications failed ({Failures} in a row); next try in {Wait}", failures, wait);
            }
            await signal.WaitAsync(wait, clock, stoppingToken);
        }
    }

    private static TimeSpan Shortest(TimeSpan poll, params TimeSpan?[] others) =>
        others.Where(o => o is not null).Select(o => o!.Value).Append(poll).Min() is var shortest && shortest > TimeSpan.Zero
            ? shortest
            : TimeSpan.Zero;
}

/// <summary>
/// The sending loop: dispatch rounds back to back while emails are due, then sleep until the next
/// one is due, the poll interval passes, or the composer or staff wake it.
/// </summary>
internal sealed class NotificationDispatcherService(
    NotificationDispatcher dispatcher,
    DispatchSignal signal,
    IOptions<NotificationsOptions> options,
    TimeProvider clock,
    ILogger<NotificationDispatcherService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        if (!settings.BackgroundProcessing)
        {
            logger.LogInformation("Notification dispatching is off in this instance (Notifications:BackgroundProcessing)");
            return;
        }
        logger.LogInformation("Notification dispatcher {Owner} started", dispatcher.OwnerId);
        var failures = 0;
        var serverDown = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            TimeSpan wait;
            try
            {
                var result = await dispatcher.DispatchDueAsync(stoppingToken);
                failures = 0;
                if (result.ServerUnavailable)
                {
                    serverDown++;
                    wait = Backoff.After(serverDown, TimeSpan.FromSeconds(1));
                    logger.LogWarning("SMTP server unavailable; dispatching paused for {Wait}", wait);
                    await Task.Delay(wait, clock, stoppingToken);
                    continue;
                }
                serverDown = 0;
                if (result.Claimed >= settings.BatchSize)
                {
                    continue;
                }
                var next = await dispatcher.NextDueAtAsync(stoppingToken);
                wait = next is { } due ? Clamp(due - clock.GetUtcNow(), settings.PollInterval) : settings.PollInterval;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception exception)
            {
                failures++;
                wait = Backoff.After(failures, settings.PollInterval);
                logger.LogError(exception, "Dispatching notifications failed ({Failures} in a row); next try in {Wait}", failures, wait);
            }
            await signal.WaitAsync(wait, clock, stoppingToken);
        }
    }

    private static TimeSpan Clamp(TimeSpan wait, TimeSpan max) =>
        wait <= TimeSpan.Zero ? TimeSpan.Zero : wait > max ? max : wait;
}

internal static class Backoff
{
    /// <summary>Doubles from <paramref name="first"/> with each failure in a row, up to a minute.</summary>
    public static TimeSpan After(int failures, TimeSpan first) =>
        TimeSpan.FromMilliseconds(Math.Min(first.TotalMilliseconds * Math.Pow(2, Math.Min(failures - 1, 16)), 60_000));
}
