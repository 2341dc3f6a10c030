using BacklogPortal.Data.Demo;
using BacklogPortal.Hosting;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Infrastructure;

namespace BacklogPortal.Data;

public static class DataExtensions
{
    internal static readonly Action<SqliteDbContextOptionsBuilder> SqliteMigrations =
        sqlite => sqlite.MigrationsAssembly(typeof(PortalDbContext).Assembly.FullName);

    internal static readonly Action<SqlServerDbContextOptionsBuilder> SqlServerMigrations =
        sqlServer => sqlServer.MigrationsAssembly(typeof(PortalDbContext).Assembly.FullName);

    /// <summary>
    /// Registers the portal's database for the configured provider: a context factory for
    /// interactive components and background services (one short-lived context per operation),
    /// a scoped context for Identity, data-protection keys in the database, a health check, and the
    /// demo data seeder (<see cref="DemoOptions"/>). Needs <see cref="PortalOptions"/> (the data folder) from <c>AddHosting()</c>.
    /// </summary>
    public static IHostApplicationBuilder AddData(this IHostApplicationBuilder builder)
    {
        // Migrates in StartingAsync, before any hosted service starts: the schema exists before data protection's key ring reads it.
        builder.Services.AddHostedService<DatabaseInitializer>();
        builder.Services.AddValidatedOptions<DatabaseOptions>(DatabaseOptions.SectionName);
        builder.Services.AddValidatedOptions<DemoOptions>(DemoOptions.SectionName);
        builder.Services.AddScoped<DemoDataSeeder>();

        // Everything below is resolved lazily from the service provider, so settings that arrive
        // late (test hosts, environment-specific sources) are honoured.
        builder.Services.AddDbContextFactory<SqlitePortalDbContext>((sp, options) =>
            options.UseSqlite(SqliteConnectionString(sp), SqliteMigrations).AddInterceptors(SqliteBusyTimeout.Instance));
        builder.Services.AddDbContextFactory<SqlServerPortalDbContext>((sp, options) =>
            options.UseSqlServer(SqlServerConnectionString(sp), sqlServer =>
            {
                SqlServerMigrations(sqlServer);
                // A failover, throttling or a dropped connection retries the statement, or the whole method for
                // those that run a transaction (UnitsOfWork), instead of failing the request or the dispatcher round.
                sqlServer.EnableRetryOnFailure();
            }));
        builder.Services.AddSingleton<IDbContextFactory<PortalDbContext>>(sp => UsesSqlServer(sp)
            ? new PortalDbContextFactory<SqlServerPortalDbContext>(sp.GetRequiredService<IDbContextFactory<SqlServerPortalDbContext>>())
            : new PortalDbContextFactory<SqlitePortalDbContext>(sp.GetRequiredService<IDbContextFactory<SqlitePortalDbContext>>()));
        builder.Services.AddScoped<PortalDbContext>(sp => UsesSqlServer(sp)
            ? sp.GetRequiredService<SqlServerPortalDbContext>()
            : sp.GetRequiredService<SqlitePortalDbContext>());

        builder.Services.AddDataProtection()
            .SetApplicationName("BacklogPortal")
            .PersistKeysToDbContext<PortalDbContext>();

        builder.Services.AddHealthChecks().AddDbContextCheck<PortalDbContext>("database", tags: [HealthTags.Database, HealthTags.Ready]);
        return builder;
    }

    private static bool UsesSqlServer(IServiceProvider services) =>
        services.GetRequiredService<IOptions<DatabaseOptions>>().Value.Provider == DatabaseProvider.SqlServer;

    private static string SqlServerConnectionString(IServiceProvider services)
    {
        var configured = services.GetRequiredService<IConfiguration>().GetConnectionString("Portal");
        return string.IsNullOrWhiteSpace(configured)
            ? throw new InvalidOperationException(
                "Database:Provider is SqlServer but ConnectionStrings:Portal is empty. Set it to the SQL Server connection string.")
            : configured;
    }

    // Without a connection string the database is a file in the app's data folder, created on first start.
    private static string SqliteConnectionString(IServiceProvider services)
    {
        var configured = services.GetRequiredService<IConfiguration>().GetConnectionString("Portal");
        var contentRoot = services.GetRequiredService<IHostEnvironment>().ContentRootPath;
        var portal = services.GetRequiredService<IOptions<PortalOptions>>().Value;
        var connection = new SqliteConnectionStringBuilder(string.IsNullOrWhiteSpace(configured)
            ? $"Data Source={Path.Combine(portal.ResolveDataDirectory(contentRoot), "portal.db")}"
            : configured);
        if (connection.DataSource != ":memory:")
        {
            // Relative to the content root, like every other path of the portal, not to the working directory.
            connection.DataSource = Path.GetFullPath(connection.DataSource, contentRoot);
            Directory.CreateDirectory(Path.GetDirectoryName(connection.DataSource)!);
        }
        // Writers wait for each other instead of failing with "database is locked".
        connection.DefaultTimeout = Math.Max(connection.DefaultTimeout, 30);
        return connection.ToString();
    }
}

/// <summary>Hands out the provider's context as the provider-neutral <see cref="PortalDbContext"/>.</summary>
internal sealed class PortalDbContextFactory<TContext>(IDbContextFactory<TContext> inner) : IDbContextFactory<PortalDbContext>
    where TContext : PortalDbContext
{
    public PortalDbContext CreateDbContext() => inner.CreateDbContext();

    public async Task<PortalDbContext> CreateDbContextAsync(CancellationToken cancellationToken = default) =>
        await inner.CreateDbContextAsync(cancellationToken);
}
