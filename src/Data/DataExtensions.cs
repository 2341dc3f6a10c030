using BacklogPortal.Hosting;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
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
    /// a scoped context for Identity, data-protection keys in the database, and a health check.
    /// </summary>
    public static IHostApplicationBuilder AddData(this IHostApplicationBuilder builder)
    {
        // First hosted service: the schema exists before anything else (data protection's key ring) reads it.
        builder.Services.AddHostedService<DatabaseInitializer>();
        builder.Services.AddOptions<DatabaseOptions>()
            .BindConfiguration(DatabaseOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddOptions<PortalOptions>()
            .BindConfiguration(PortalOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();

        var database = builder.Configuration.GetSection(DatabaseOptions.SectionName).Get<DatabaseOptions>() ?? new DatabaseOptions();
        var connectionString = builder.Configuration.GetConnectionString("Portal");

        switch (database.Provider)
        {
            case DatabaseProvider.SqlServer:
                if (string.IsNullOrWhiteSpace(connectionString))
                {
                    throw new InvalidOperationException(
                        "Database:Provider is SqlServer but ConnectionStrings:Portal is empty. Set it to the SQL Server connection string.");
                }
                builder.Services.AddDbContextFactory<SqlServerPortalDbContext>(options =>
                    options.UseSqlServer(connectionString, SqlServerMigrations));
                builder.Services.AddSingleton<IDbContextFactory<PortalDbContext>, PortalDbContextFactory<SqlServerPortalDbContext>>();
                builder.Services.AddScoped<PortalDbContext>(sp => sp.GetRequiredService<SqlServerPortalDbContext>());
                break;

            default:
                connectionString = SqliteConnectionString(builder, connectionString);
                builder.Services.AddDbContextFactory<SqlitePortalDbContext>(options =>
                    options.UseSqlite(connectionString, SqliteMigrations));
                builder.Services.AddSingleton<IDbContextFactory<PortalDbContext>, PortalDbContextFactory<SqlitePortalDbContext>>();
                builder.Services.AddScoped<PortalDbContext>(sp => sp.GetRequiredService<SqlitePortalDbContext>());
                break;
        }

        builder.Services.AddDataProtection()
            .SetApplicationName("BacklogPortal")
            .PersistKeysToDbContext<PortalDbContext>();

        builder.Services.AddHealthChecks().AddDbContextCheck<PortalDbContext>("database");
        return builder;
    }

    // Without a connection string the database is a file in the app's data folder, created on first start.
    private static string SqliteConnectionString(IHostApplicationBuilder builder, string? configured)
    {
        var portal = builder.Configuration.GetSection(PortalOptions.SectionName).Get<PortalOptions>() ?? new PortalOptions();
        var connection = new SqliteConnectionStringBuilder(string.IsNullOrWhiteSpace(configured)
            ? $"Data Source={Path.Combine(portal.ResolveDataDirectory(builder.Environment.ContentRootPath), "portal.db")}"
            : configured);
        if (Path.GetDirectoryName(Path.GetFullPath(connection.DataSource, builder.Environment.ContentRootPath)) is { } folder)
        {
            Directory.CreateDirectory(folder);
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
