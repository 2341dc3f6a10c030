using BacklogPortal.Hosting;
using Microsoft.AspNetCore.Components.Server;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace BacklogPortal.Tests.Hosting;

/// <summary>
/// The count behind <c>portal.circuits.paused</c>. The real pause and resume of a browser tab drive it in
/// tests/BacklogPortal.EndToEnd/Hosting/CircuitPauseTests.cs; here the rules around it.
/// </summary>
public sealed class CircuitPausesTests
{
    private static readonly TimeSpan Retention = TimeSpan.FromHours(2);

    // A fixed instant: nothing here depends on the time of day.
    private readonly FakeTimeProvider clock = new(new DateTimeOffset(2026, 11, 30, 9, 0, 0, TimeSpan.Zero));

    private CircuitPauses NewPauses() =>
        new(clock, Options.Create(new CircuitOptions { PersistedCircuitInMemoryRetentionPeriod = Retention }));

    [Fact]
    public void APauseCountsUntilItsCircuitResumes()
    {
        var pauses = NewPauses();

        var first = pauses.Paused();
        var second = pauses.Paused();
        Assert.Equal(2, pauses.Count);

        pauses.Resumed(first);
        Assert.Equal(1, pauses.Count);
        // A second resume from the same state (a retry) does not count twice.
        pauses.Resumed(first);
        Assert.Equal(1, pauses.Count);
        pauses.Resumed(second);
        Assert.Equal(0, pauses.Count);
    }

    [Fact]
    public void APauseThatNeverResumesIsForgottenWhenItsStateExpires()
    {
        var pauses = NewPauses();
        pauses.Paused();
        clock.Advance(TimeSpan.FromMinutes(90));
        pauses.Paused();

        clock.Advance(TimeSpan.FromMinutes(31));

        // The first tab's state is older than the retention: it cannot resume any more, the second still can.
        Assert.Equal(1, pauses.Count);
        clock.Advance(Retention);
        Assert.Equal(0, pauses.Count);
    }

    [Fact]
    public void AResumeFromAnotherInstancesPauseChangesNothing()
    {
        var pauses = NewPauses();
        pauses.Paused();

        pauses.Resumed(Guid.NewGuid());

        Assert.Equal(1, pauses.Count);
    }
}
