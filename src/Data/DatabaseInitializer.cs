using BacklogPortal.Data.Demo;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace BacklogPortal.Data;

/// <summary>
/// Brings the database up to date before the portal takes requests: applies migrations (SQLite by
/// default; SQL Server deployments run the idempotent script instead), and seeds demo data when
/// <c>Demo:Seed</c> is on.
/// </summary>
internal sealed class DatabaseInitializer(
    IServiceProvider services,
    IOptions<DatabaseOptions> databaseOptions,
    IConfiguration configuration,
    ILogger<DatabaseInitializer> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        var options = databaseOptions.Value;

        if (options.MigrateOnStart ?? options.Provider == DatabaseProvider.Sqlite)
        {
            await db.Database.MigrateAsync(cancellationToken);
            if (db.Database.IsSqlite())
            {
                // Readers never wait for the writer, and the dispatcher can read while staff write.
                await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
            }
            logger.LogInformation("Database is up to date ({Provider})", options.Provider);
        }

        if (configuration.GetValue<bool>("Demo:Seed"))
        {
            await scope.ServiceProvider.GetRequiredService<DemoDataSeeder>().SeedAsync(cancellationToken);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
