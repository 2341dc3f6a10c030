using System.Diagnostics;
using BacklogPortal.Domain;
using BacklogPortal.EtaChanges;
using BacklogPortal.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using static BacklogPortal.Tests.EtaChanges.EtaTestData;

namespace BacklogPortal.Tests.EtaChanges;

/// <summary>
/// Changes of selected lines on SQLite are written in groups (decision 017): concurrent callers share a transaction,
/// and each still gets its own all-or-nothing result, its own audit and outbox rows and its own trace.
/// </summary>
public sealed class GroupCommitTests(PortalAppFactory factory) : IClassFixture<PortalAppFactory>
{
    private readonly EtaTestData data = new(factory);

    [Fact]
    public async Task ConcurrentEditorsOfOneVersionOneWinsAndEveryOtherLineChangesOnce()
    {
        var product = await data.ProductWithLinesAsync(4, [.. Enumerable.Range(0, 41).Select(_ => new LineSpec(Promised))]);
        var lines = await data.LinesOfAsync(product);
        var contested = lines[0];

        // Twenty editors saw the same version of one line; forty others each edit a line of their own. All at once.
        var contests = Enumerable.Range(1, 20).Select(day => Task.Run(() => data.Service.ChangeAsync(
            Request(EtaChangeTarget.ForLine(contested.Id, contested.Version), Promised.AddDays(day)))));
        var own = lines.Skip(1).Select(line => Task.Run(() => data.Service.ChangeAsync(
            Request(EtaChangeTarget.ForLine(line.Id, line.Version), Promised.AddDays(50)))));
        var contestResults = await Task.WhenAll(contests);
        var ownResults = await Task.WhenAll(own);

        var winner = Assert.Single(contestResults, r => r.Outcome == EtaChangeOutcome.Changed);
        Assert.All(contestResults.Where(r => r != winner), r => Assert.Equal((EtaChangeOutcome.Conflict, EtaChangeService.LineConflictMessage), (r.Outcome, r.Message)));
        Assert.All(ownResults, r => Assert.Equal((EtaChangeOutcome.Changed, 1), (r.Outcome, r.LinesChanged)));

        var after = await data.LinesOfAsync(product);
        var changes = await data.ChangesOfAsync(product);
        var outbox = await data.OutboxOfAsync(product);
        Assert.Equal(41, changes.Count);
        Assert.Equal(changes.Select(c => c.Id).Order(), outbox.Select(e => e.EtaChangeId!.Value).Order());
        Assert.All(after, line => Assert.Equal((1, lines.Single(l => l.Id == line.Id).Version + 1), (line.EtaChangeCount, line.Version)));
        var winning = Assert.Single(changes, c => c.OrderLineId == contested.Id);
        Assert.Equal(winner.BatchId, winning.BatchId);
        Assert.Equal(winning.NewEta, after.Single(l => l.Id == contested.Id).Eta);
        Assert.Equal(ownResults.Select(r => r.BatchId).Order(), changes.Where(c => c.OrderLineId != contested.Id).Select(c => c.BatchId).Order());
    }

    [Fact]
    public async Task EachChangeOfAGroupCarriesItsCallersTrace()
    {
        var product = await data.ProductWithLinesAsync(1, [.. Enumerable.Range(0, 12).Select(_ => new LineSpec(Promised))]);
        var lines = await data.LinesOfAsync(product);

        var traced = await Task.WhenAll(lines.Select(line => Task.Run(async () =>
        {
            using var caller = new Activity("Caller").SetIdFormat(ActivityIdFormat.W3C).Start();
            var result = await data.Service.ChangeAsync(Request(EtaChangeTarget.ForLine(line.Id, line.Version), Promised.AddDays(9)));
            return (line.Id, caller.TraceId.ToHexString(), result.Outcome);
        })));

        Assert.All(traced, t => Assert.Equal(EtaChangeOutcome.Changed, t.Outcome));
        var outbox = await data.OutboxOfAsync(product);
        Assert.Equal(12, outbox.Count);
        Assert.All(outbox, entry => Assert.Equal(
            traced.Single(t => t.Id == entry.OrderLineId).Item2,
            entry.TraceParent?.Split('-')[1]));
    }

    [Fact]
    public async Task WorkQueuedWhileAGroupIsWrittenGoesTogetherInTheNextGroup()
    {
        var firstGroupStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var releaseFirstGroup = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var groups = new List<int[]>();
        var commit = new SqliteGroupCommit<int, string>(
            async works =>
            {
                lock (groups)
                {
                    groups.Add([.. works]);
                }
                if (works.Contains(0))
                {
                    firstGroupStarted.SetResult();
                    await releaseFirstGroup.Task;
                }
                return [.. works.Select(w => $"written {w}")];
            },
            w => Task.FromResult($"alone {w}"),
            NullLogger.Instance);

        var first = commit.RunAsync(0, CancellationToken.None);
        await firstGroupStarted.Task;
        var waiting = Enumerable.Range(1, 5).Select(w => commit.RunAsync(w, CancellationToken.None)).ToList();
        releaseFirstGroup.SetResult();

        Assert.Equal("written 0", await first);
        Assert.Equal(["written 1", "written 2", "written 3", "written 4", "written 5"], await Task.WhenAll(waiting));
        Assert.Equal([[0], [1, 2, 3, 4, 5]], groups);
    }

    [Fact]
    public async Task AFailedGroupRunsEachWorkAloneAndOnlyItsOwnErrorReachesACaller()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var commit = new SqliteGroupCommit<int, string>(
            async works =>
            {
                await gate.Task;
                throw new InvalidOperationException("the group's transaction failed");
            },
            w => w == 2 ? throw new InvalidOperationException("work 2 is broken") : Task.FromResult($"alone {w}"),
            NullLogger.Instance);

        var all = Enumerable.Range(1, 3).Select(w => commit.RunAsync(w, CancellationToken.None)).ToList();
        gate.SetResult();

        Assert.Equal("alone 1", await all[0]);
        Assert.Equal("work 2 is broken", (await Assert.ThrowsAsync<InvalidOperationException>(() => all[1])).Message);
        Assert.Equal("alone 3", await all[2]);
    }

    [Fact]
    public async Task ACallerWhoGaveUpBeforeItsTurnIsNotWritten()
    {
        var firstGroupStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var releaseFirstGroup = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var written = new List<int>();
        var commit = new SqliteGroupCommit<int, int>(
            async works =>
            {
                lock (written)
                {
                    written.AddRange(works);
                }
                if (works.Contains(0))
                {
                    firstGroupStarted.SetResult();
                    await releaseFirstGroup.Task;
                }
                return [.. works];
            },
            Task.FromResult,
            NullLogger.Instance);

        var first = commit.RunAsync(0, CancellationToken.None);
        await firstGroupStarted.Task;
        using var gaveUp = new CancellationTokenSource();
        var cancelled = commit.RunAsync(1, gaveUp.Token);
        var kept = commit.RunAsync(2, CancellationToken.None);
        await gaveUp.CancelAsync();
        releaseFirstGroup.SetResult();

        Assert.Equal(2, await kept);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        Assert.Equal([0, 2], written);
        Assert.Equal(0, await first);
    }
}
