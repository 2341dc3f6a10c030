using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Storage;

namespace BacklogPortal.Data;

/// <summary>
/// Every explicit transaction of the portal starts here, inside the provider's execution strategy. On SQL
/// Server (<c>EnableRetryOnFailure</c>) a transient fault — a failover, throttling, a dropped connection —
/// then runs the whole unit again from its first statement, never the rest of it; SQLite runs it once. EF
/// refuses a transaction begun outside the strategy when retries are on, so a site that bypasses this
/// helper fails at once on SQL Server (and in the SQL Server statement tests).
/// </summary>
/// <remarks>
/// The work must be safe to run again: it re-reads what it needs inside the transaction, keeps no state
/// from a failed attempt (clear the change tracker), and commits itself; returning without a commit rolls
/// back. A fault can also hit the commit after the database made it durable: <c>ifCommitted</c> looks for
/// the work's own trace (a batch id) and says whether the work committed, with its result, instead of running it twice.
/// </remarks>
public static class DatabaseTransactions
{
    public static Task<TResult> InTransactionAsync<TResult>(
        this DatabaseFacade database,
        Func<IDbContextTransaction, Task<TResult>> work,
        Func<Task<(bool Committed, TResult Result)>>? ifCommitted = null,
        CancellationToken cancellationToken = default) =>
        database.CreateExecutionStrategy().ExecuteAsync(
            (database, work),
            static async (_, state, token) =>
            {
                await using var transaction = await state.database.BeginTransactionAsync(token);
                return await state.work(transaction);
            },
            ifCommitted is null ? null : async (_, _, _) =>
            {
                var (committed, result) = await ifCommitted();
                return new ExecutionResult<TResult>(committed, result);
            },
            cancellationToken);

    /// <summary>The synchronous form, for the dispatcher's threads of their own.</summary>
    public static void InTransaction(this DatabaseFacade database, Action<IDbContextTransaction> work) =>
        database.CreateExecutionStrategy().Execute(() =>
        {
            using var transaction = database.BeginTransaction();
            work(transaction);
        });
}
