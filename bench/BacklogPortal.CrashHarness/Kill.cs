namespace BacklogPortal.CrashHarness;

/// <summary>One SIGKILL of the portal and what the database and the ledger said right after it.</summary>
/// <param name="Mode">"after first arrival" (dispatching for sure), "after start" (start-up, composing, take-over) or "stuck" (nothing arrived in time).</param>
/// <param name="AcceptedBeforeKill">Emails the server accepted in this life before the signal; more than zero means the kill landed during dispatch.</param>
/// <param name="Unrecorded">Message-IDs the server had accepted but the database did not record as sent after the process died.</param>
/// <param name="Leased">Unsent emails still claimed (lease not run out) after the death: the next life must take them over.</param>
public sealed record Kill(
    int Number,
    int Life,
    string Mode,
    DateTimeOffset StartedAt,
    DateTimeOffset? FirstArrival,
    TimeSpan Delay,
    DateTimeOffset Signalled,
    DateTimeOffset Dead,
    int AcceptedBeforeKill,
    int AcceptedInLife,
    IReadOnlySet<string> Unrecorded,
    int NewlyUnrecorded,
    int Leased,
    int Waiting,
    int CustomersWaiting,
    bool LeftMigrationLock)
{
    public bool DuringDispatch => AcceptedBeforeKill > 0;
}
