using System.Collections.Concurrent;

namespace BacklogPortal.EtaChanges;

/// <summary>
/// Group commit for SQLite's one writer (decision 017): work that arrives while a group is being written waits in a
/// queue, and one drain at a time hands up to <see cref="MaxGroup"/> waiting items to <c>writeGroup</c> (one
/// transaction, one commit), then answers each caller with its own result.
/// </summary>
/// <remarks>
/// Without it, each concurrent single-line change opened its own connection and transaction and met the others on the
/// database lock, whose busy handler sleeps between tries: one writer's commit, then milliseconds in which nobody
/// wrote. With it, the lock changes hands once per group. When a group fails as a whole (an I/O error, a broken
/// invariant), nothing of it was committed, and each item runs again through <c>writeAlone</c>, so that an error
/// reaches only the caller whose work caused it.
/// </remarks>
internal sealed class SqliteGroupCommit<TWork, TResult>(
    Func<IReadOnlyList<TWork>, Task<TResult[]>> writeGroup,
    Func<TWork, Task<TResult>> writeAlone,
    ILogger logger)
{
    /// <summary>
    /// The most items in one transaction: a queue of concurrent callers drains in one or two groups, and the first
    /// caller of a group does not wait for a long tail of others.
    /// </summary>
    internal const int MaxGroup = 64;

    private readonly ConcurrentQueue<Queued> queue = new();
    private int draining;

    /// <summary>Queues the work and returns its result once its group has committed (or rolled it back).</summary>
    public Task<TResult> RunAsync(TWork work, CancellationToken cancellationToken)
    {
        var queued = new Queued(work, cancellationToken, new(TaskCreationOptions.RunContinuationsAsynchronously));
        queue.Enqueue(queued);
        if (Interlocked.CompareExchange(ref draining, 1, 0) == 0)
        {
            // The drain belongs to no caller: it must not carry the first caller's span, culture or request state.
            using (ExecutionContext.SuppressFlow())
            {
                _ = Task.Run(DrainAsync);
            }
        }
        return queued.Result.Task;
    }

    private async Task DrainAsync()
    {
        while (true)
        {
            while (!queue.IsEmpty)
            {
                var group = new List<Queued>(MaxGroup);
                while (group.Count < MaxGroup && queue.TryDequeue(out var next))
                {
                    // A caller that gave up before its turn is not written at all.
                    if (!next.Result.Task.IsCompleted && next.CancellationToken.IsCancellationRequested)
                    {
                        next.Result.TrySetCanceled(next.CancellationToken);
                        continue;
                    }
                    group.Add(next);
                }
                if (group.Count > 0)
                {
                    await WriteAsync(group);
                }
            }
            Volatile.Write(ref draining, 0);
            // Work queued after the last look but before the release found the drain busy and started none: take it up.
            if (queue.IsEmpty || Interlocked.CompareExchange(ref draining, 1, 0) != 0)
            {
                return;
            }
        }
    }

    private async Task WriteAsync(List<Queued> group)
    {
        try
        {
            var results = await writeGroup([.. group.Select(queued => queued.Work)]);
            for (var i = 0; i < group.Count; i++)
            {
                group[i].Result.TrySetResult(results[i]);
            }
            return;
        }
        catch (Exception exception)
        {
            logger.LogWarning(exception, "A group of {Count} changes failed and was rolled back; each runs again on its own", group.Count);
        }
        foreach (var queued in group)
        {
            try
            {
                queued.Result.TrySetResult(await writeAlone(queued.Work));
            }
            catch (Exception exception)
            {
                queued.Result.TrySetException(exception);
            }
        }
    }

    private sealed record Queued(TWork Work, CancellationToken CancellationToken, TaskCompletionSource<TResult> Result);
}
