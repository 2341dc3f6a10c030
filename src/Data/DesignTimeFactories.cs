using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore.Design;
using Microsoft.Extensions.DependencyInjection;

namespace BacklogPortal.Data;

// `dotnet ef` builds each provider's context through these factories, so both migration sets come
// from one model whatever Database:Provider the app is configured with. They must configure Identity
// exactly like the app (schema version), or the migrations would miss the passkey tables.

internal sealed class SqliteDesignTimeFactory() : DesignTimeFactory<SqlitePortalDbContext>(
    options => options.UseSqlite("Data Source=design-time.db", DataExtensions.SqliteMigrations), options => new(options));

internal sealed class SqlServerDesignTimeFactory() : DesignTimeFactory<SqlServerPortalDbContext>(
    options => options.UseSqlServer("Server=(design-time);Database=BacklogPortal", DataExtensions.SqlServerMigrations), options => new(options));

/// <summary>One provider's context with the app's Identity options; <paramref name="useProvider"/> is all that differs.</summary>
internal abstract class DesignTimeFactory<TContext>(
    Action<DbContextOptionsBuilder<TContext>> useProvider, Func<DbContextOptions<TContext>, TContext> create)
    : IDesignTimeDbContextFactory<TContext>
    where TContext : PortalDbContext
{
    public TContext CreateDbContext(string[] args)
    {
        var options = new DbContextOptionsBuilder<TContext>().UseApplicationServiceProvider(DesignTimeServices.Create());
        useProvider(options);
        return create(options.Options);
    }
}

internal static class DesignTimeServices
{
    public static IServiceProvider Create() =>
        new ServiceCollection()
            .Configure<IdentityOptions>(IdentityStore.Configure)
            .BuildServiceProvider();
}
