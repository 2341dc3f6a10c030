using System.Collections.Concurrent;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Server;
using Microsoft.AspNetCore.Components.Server.Circuits;
using Microsoft.AspNetCore.Components.Web;

namespace BacklogPortal.Hosting;

/// <summary>
/// The circuits of this instance that are paused (decision 013: an idle customer tab calls <c>Blazor.pauseCircuit()</c>,
/// a tab whose connection stayed away past the retention is paused by the server) and may still resume, for the
/// <c>portal.circuits.paused</c> gauge. A paused circuit no longer exists on the server, so each pause leaves a token
/// in the state it persists; the circuit that resumes from that state hands the token back. A paused tab that is
/// closed never resumes: its pause is forgotten once its state has expired
/// (<see cref="CircuitOptions.PersistedCircuitInMemoryRetentionPeriod"/>), when it could not resume any more either.
/// </summary>
public sealed class CircuitPauses(TimeProvider clock, IOptions<CircuitOptions> circuitOptions)
{
    private readonly ConcurrentDictionary<Guid, DateTimeOffset> paused = new();

    /// <summary>Paused circuits that can still resume (on this instance, as far as it knows).</summary>
    public int Count
    {
        get
        {
            var expired = clock.GetUtcNow() - circuitOptions.Value.PersistedCircuitInMemoryRetentionPeriod;
            foreach (var (pause, at) in paused)
            {
                if (at < expired)
                {
                    paused.TryRemove(pause, out _);
                }
            }
            return paused.Count;
        }
    }

    /// <summary>A circuit is being paused; returns the token its persisted state carries.</summary>
    public Guid Paused()
    {
        var pause = Guid.NewGuid();
        paused[pause] = clock.GetUtcNow();
        return pause;
    }

    /// <summary>A circuit resumed from the state of <paramref name="pause"/> (unknown tokens: another instance's pause, or expired).</summary>
    public void Resumed(Guid pause) => paused.TryRemove(pause, out _);
}

/// <summary>
/// Sees the pause and the resume from inside a circuit: <see cref="PersistentComponentState"/> persists for the
/// interactive server only when the circuit is paused, and a circuit restores that state only when it resumes.
/// One per circuit (a scoped <see cref="CircuitHandler"/> is created with every circuit).
/// </summary>
internal sealed class CircuitPauseTracker : CircuitHandler, IDisposable
{
    private const string StateKey = "portal.circuit-pause";

    private readonly PersistingComponentStateSubscription persisting;
    private readonly RestoringComponentStateSubscription restoring;

    public CircuitPauseTracker(PersistentComponentState state, CircuitPauses pauses)
    {
        persisting = state.RegisterOnPersisting(() =>
        {
            state.PersistAsJson(StateKey, pauses.Paused());
            return Task.CompletedTask;
        }, RenderMode.InteractiveServer);
        // Not the prerendered page's state (the circuit's first start), only a paused circuit's last snapshot.
        restoring = state.RegisterOnRestoring(() =>
        {
            if (state.TryTakeFromJson<Guid>(StateKey, out var pause))
            {
                pauses.Resumed(pause);
            }
        }, new RestoreOptions { RestoreBehavior = RestoreBehavior.SkipInitialValue, AllowUpdates = false });
    }

    public void Dispose()
    {
        persisting.Dispose();
        restoring.Dispose();
    }
}
