using Microsoft.EntityFrameworkCore.Storage;

namespace BacklogPortal.Data;

/// <summary>
/// Runs a unit of work — a method that creates its own context, and in it its transaction — in the provider's
/// execution strategy. On SQL Server (<c>EnableRetryOnFailure</c>) a transient fault (a failover, throttling, a
/// dropped connection, a deadlock victim) runs the whole method again, from its first read to its commit, on a
/// fresh context: never the rest of a transaction, never with state left from the failed attempt. SQLite runs it once.
/// </summary>
/// <remarks>
/// EF refuses a transaction begun outside an execution strategy once retries are on: a new transaction site that
/// is not run through here fails at once on SQL Server, and in the SQL Server statement tests.
/// A fault can also hit a commit that the database made durable: <c>ifCommitted</c> then looks for the work's own
/// trace (a batch id) and says whether it committed, with the result, instead of running it twice.
/// </remarks>
public static class UnitsOfWork
{
    public static async Task<TResult> RunWithRetriesAsync<TResult>(
        this IDbContextFactory<PortalDbContext> dbFactory,
        Func<Task<TResult>> work,
        Func<Task<(bool Committed, TResult Result)>>? ifCommitted = null,
        CancellationToken cancellationToken = default)
    {
        // Only for its execution strategy: this context never opens a connection. The strategy is current for
        // everything the work runs (an async-local), so the work's own context joins it instead of refusing.
        await using var strategyOwner = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await strategyOwner.Database.CreateExecutionStrategy().ExecuteAsync(
            work,
            static (_, work, _) => work(),
            ifCommitted is null ? null : async (_, _, _) =>
            {
                var (committed, result) = await ifCommitted();
                return new ExecutionResult<TResult>(committed, result);
            },
            cancellationToken);
    }

    /// <summary>
    /// The synchronous form for a caller that runs many units of work in a row (the dispatcher's outcome recorder, a
    /// group of outcomes every few milliseconds): the strategy comes from <paramref name="strategyOwner"/>, a context
    /// the caller keeps for all of them and never opens, instead of a new context per unit. The work still creates,
    /// or starts afresh on, the context it writes with.
    /// </summary>
    public static void RunWithRetries(this PortalDbContext strategyOwner, Action work) =>
        strategyOwner.Database.CreateExecutionStrategy().Execute(work);

    /// <summary>The synchronous form, for the dispatcher's threads of their own.</summary>
    public static void RunWithRetries(this IDbContextFactory<PortalDbContext> dbFactory, Action work)
    {
        using var strategyOwner = dbFactory.CreateDbContext();
        strategyOwner.Database.CreateExecutionStrategy().Execute(work);
    }
}
