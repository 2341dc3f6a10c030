namespace BacklogPortal.Notifications;

/// <summary>
/// Wakes the notification composer right after a transaction that wrote outbox entries has
/// committed, so emails do not wait for the next poll. Only a hint: the composer still polls,
/// which covers other app instances and signals lost in a crash.
/// </summary>
public sealed class OutboxSignal : WakeSignal;

/// <summary>
/// Wakes the dispatcher when emails became due in this instance: composed, or re-queued by staff.
/// </summary>
public sealed class DispatchSignal : WakeSignal;

/// <summary>An auto-reset wake-up for a background loop that otherwise polls.</summary>
public abstract class WakeSignal
{
    private readonly SemaphoreSlim signal = new(0, 1);

    /// <summary>Call after the commit; calling it many times in a row wakes the loop once.</summary>
    public void Notify()
    {
        try
        {
            signal.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already signalled and not yet consumed.
        }
    }

    /// <summary>Waits for a signal or the poll interval, whichever comes first.</summary>
    public async Task WaitAsync(TimeSpan pollInterval, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (pollInterval <= TimeSpan.Zero)
        {
            return;
        }
        using var timeout = new CancellationTokenSource(pollInterval, clock);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, cancellationToken);
        try
        {
            await signal.WaitAsync(linked.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // The poll interval passed without a signal.
        }
    }
}
