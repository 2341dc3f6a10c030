namespace BacklogPortal.Notifications;

/// <summary>
/// A loop that works in rounds until the host stops: each round says how long to sleep before the next, and the
/// <see cref="WakeSignal"/> cuts a sleep short. Every error is caught and logged inside the loop (an exception that
/// escapes stops the host), and the next try backs off: the database or the SMTP server may be away for a while.
/// </summary>
internal abstract class WakeableLoop(WakeSignal signal, NotificationsOptions settings, TimeProvider clock, ILogger logger) : BackgroundService
{
    protected TimeProvider Clock => clock;

    protected ILogger Logger => logger;

    protected NotificationsOptions Settings => settings;

    /// <summary>What the loop does, for the log ("Composing notifications").</summary>
    protected abstract string Work { get; }

    /// <summary>One round; returns how long to sleep before the next (zero: go again at once).</summary>
    protected abstract Task<TimeSpan> RoundAsync(CancellationToken stoppingToken);

    protected virtual void Starting()
    {
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!settings.BackgroundProcessing)
        {
            logger.LogInformation("{Work} is off in this instance (Notifications:BackgroundProcessing)", Work);
            return;
        }
        Starting();
        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            TimeSpan wait;
            try
            {
                wait = await RoundAsync(stoppingToken);
                failures = 0;
                if (wait <= TimeSpan.Zero)
                {
                    continue;
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception exception)
            {
                failures++;
                wait = Backoff.After(failures, settings.PollInterval);
                logger.LogError(exception, "{Work} failed ({Failures} in a row); next try in {Wait}", Work, failures, wait);
            }
            await signal.WaitAsync(wait, clock, stoppingToken);
        }
    }
}

/// <summary>
/// The composing loop: overdue scans on their interval, then emails for every customer that is due.
/// Sleeps until the next customer becomes due, the poll interval passes, or a commit wakes it.
/// </summary>
internal sealed class NotificationComposerService(
    NotificationComposer composer, OverdueReminders overdueReminders, OutboxSignal signal,
    IOptions<NotificationsOptions> options, TimeProvider clock, ILogger<NotificationComposerService> logger)
    : WakeableLoop(signal, options.Value, clock, logger)
{
    private DateTimeOffset nextOverdueScan;

    protected override string Work => "Composing notifications";

    protected override void Starting() => nextOverdueScan = Clock.GetUtcNow();

    protected override async Task<TimeSpan> RoundAsync(CancellationToken stoppingToken)
    {
        if (Clock.GetUtcNow() >= nextOverdueScan)
        {
            await overdueReminders.ScanAsync(stoppingToken);
            nextOverdueScan = Clock.GetUtcNow() + Settings.OverdueScanInterval;
        }
        var result = await composer.ComposeDueAsync(stoppingToken);
        if (result.MoreDue)
        {
            return TimeSpan.Zero;
        }
        var now = Clock.GetUtcNow();
        return Shortest(Settings.PollInterval, result.NextDueAt - now, nextOverdueScan - now);
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
    NotificationDispatcher dispatcher, DispatchSignal signal,
    IOptions<NotificationsOptions> options, TimeProvider clock, ILogger<NotificationDispatcherService> logger)
    : WakeableLoop(signal, options.Value, clock, logger)
{
    private int serverDown;

    protected override string Work => "Dispatching notifications";

    protected override void Starting() => Logger.LogInformation("Notification dispatcher {Owner} started", dispatcher.OwnerId);

    protected override async Task<TimeSpan> RoundAsync(CancellationToken stoppingToken)
    {
        var result = await dispatcher.DispatchDueAsync(stoppingToken);
        if (result.ServerUnavailable)
        {
            // A pause no signal cuts short: new work does not bring the server back.
            serverDown++;
            var pause = Backoff.After(serverDown, TimeSpan.FromSeconds(1));
            Logger.LogWarning("SMTP server unavailable; dispatching paused for {Wait}", pause);
            await Task.Delay(pause, Clock, stoppingToken);
            return TimeSpan.Zero;
        }
        serverDown = 0;
        if (result.Claimed >= Settings.BatchSize)
        {
            return TimeSpan.Zero;
        }
        var next = await dispatcher.NextDueAtAsync(stoppingToken);
        return next is { } due ? Clamp(due - Clock.GetUtcNow(), Settings.PollInterval) : Settings.PollInterval;
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
