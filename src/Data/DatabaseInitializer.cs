using BacklogPortal.Data.Demo;

namespace BacklogPortal.Data;

/// <summary>
/// Brings the database up to date before the portal takes requests: applies migrations (SQLite by
/// default; SQL Server deployments run the idempotent script instead), and seeds demo data when
/// <see cref="DemoOptions.Seed"/> is on. Runs in <see cref="IHostedLifecycleService.StartingAsync"/>, before any hosted
/// service starts: the framework registers some of its own ahead of ours (data protection's, which reads the key ring
/// from the database, comes with Blazor), and on a new database they would look for tables that do not exist yet.
/// </summary>
internal sealed class DatabaseInitializer(
    IServiceProvider services,
    IOptions<DatabaseOptions> databaseOptions,
    IOptions<DemoOptions> demoOptions,
    ILogger<DatabaseInitializer> logger) : IHostedLifecycleService
{
    public async Task StartingAsync(CancellationToken cancellationToken)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        var options = databaseOptions.Value;

        if (options.MigrateOnStart ?? options.Provider == DatabaseProvider.Sqlite)
        {
            if (db.Database.IsSqlite())
            {
                await ReleaseStaleSqliteMigrationLockAsync(db, cancellationToken);
            }
            // Only take EF's migration lock when there is something to apply: a restart after a crash
            // then never touches the lock at all.
            var pending = (await db.Database.GetPendingMigrationsAsync(cancellationToken)).ToList();
            if (pending.Count > 0)
            {
                await db.Database.MigrateAsync(cancellationToken);
                logger.LogInformation("Applied {Count} migration(s): {Migrations}", pending.Count, string.Join(", ", pending));
            }
            if (db.Database.IsSqlite())
            {
                // Readers never wait for the writer, and the dispatcher can read while staff write.
                await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
            }
            logger.LogInformation("Database is up to date ({Provider})", options.Provider);
        }

        if (demoOptions.Value.Seed)
        {
            await scope.ServiceProvider.GetRequiredService<DemoDataSeeder>().SeedAsync(cancellationToken);
        }
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>
    /// EF Core guards migrations on SQLite with a row in <c>__EFMigrationsLock</c>; a process killed
    /// while migrating leaves the row behind and every later start would wait for it forever. Instances
    /// sharing a SQLite file start one after another (README, "Running more than one instance"), so at
    /// start any such row is stale.
    /// </summary>
    private async Task ReleaseStaleSqliteMigrationLockAsync(PortalDbContext db, CancellationToken cancellationToken)
    {
        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            await using var exists = connection.CreateCommand();
            exists.CommandText = "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = '__EFMigrationsLock'";
            if (Convert.ToInt64(await exists.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture) == 0)
            {
                return;
            }
            await using var release = connection.CreateCommand();
            release.CommandText = "DELETE FROM \"__EFMigrationsLock\"";
            if (await release.ExecuteNonQueryAsync(cancellationToken) > 0)
            {
                logger.LogWarning("Released a migration lock left behind by a process that stopped while migrating");
            }
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }
}
