using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace BacklogPortal.Data;

/// <summary>
/// Sets SQLite's own busy handler on every connection the portal opens, so a writer that meets another
/// writer's lock waits inside SQLite (steps of 1, 2, 5, 10… ms) and goes on almost as soon as the lock is free.
/// </summary>
/// <remarks>
/// Microsoft.Data.Sqlite does not set a busy timeout: it retries a busy statement after 150 ms sleeps, up to the
/// command timeout. With a handful of concurrent writers (API requests, staff, the composer, the dispatcher) each
/// holding the write lock for a few milliseconds, those sleeps — not the work — made the slow tail of an ETA
/// update (docs/PERFORMANCE.md, "ERP API"). Past <see cref="Milliseconds"/> the statement fails busy and
/// Microsoft.Data.Sqlite's retries take over, up to the connection's command timeout, as before.
/// The pragma belongs to the native connection, which the pool reuses; setting it again on each open costs a few
/// microseconds and keeps connections opened by anything else (a test, a tool) from missing it.
/// </remarks>
public sealed class SqliteBusyTimeout : DbConnectionInterceptor
{
    /// <summary>Longer than any write transaction of the portal takes on a healthy machine (a 50,000-line change: under a second).</summary>
    public const int Milliseconds = 5000;

    private const string Pragma = "PRAGMA busy_timeout = 5000;";

    public static SqliteBusyTimeout Instance { get; } = new();

    private SqliteBusyTimeout()
    {
    }

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        using var command = connection.CreateCommand();
        command.CommandText = Pragma;
        command.ExecuteNonQuery();
    }

    // SQLite's async calls complete synchronously; the synchronous call avoids a state machine per open.
    public override Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        ConnectionOpened(connection, eventData);
        return Task.CompletedTask;
    }
}
