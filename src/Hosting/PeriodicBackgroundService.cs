namespace BacklogPortal.Hosting;

/// <summary>
/// Work that runs at start and then every <see cref="Interval"/> for the life of the portal (sampling, clean-ups).
/// A failed run is logged and the next one comes at its time: such work only ever catches up, nothing is lost by
/// a missed run.
/// </summary>
public abstract class PeriodicBackgroundService(TimeProvider clock, ILogger logger) : BackgroundService
{
    protected TimeProvider Clock { get; } = clock;

    protected abstract TimeSpan Interval { get; }

    /// <summary>False: this instance does not do this work at all (e.g. <c>Notifications:BackgroundProcessing</c> off).</summary>
    protected virtual bool Enabled => true;

    protected abstract Task RunOnceAsync(CancellationToken cancellationToken);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!Enabled)
        {
            return;
        }
        using var timer = new PeriodicTimer(Interval, Clock);
        do
        {
            try
            {
                await RunOnceAsync(stoppingToken);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                logger.LogWarning(exception, "{Work} failed; it runs again in {Interval}", GetType().Name, Interval);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
