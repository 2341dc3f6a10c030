using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore.Design;
using Microsoft.Extensions.DependencyInjection;

namespace BacklogPortal.Data;

// `dotnet ef` builds each provider's context through these factories, so both migration sets come
// from one model whatever Database:Provider the app is configured with. They must configure Identity
// exactly like the app (schema version), or the migrations would miss the passkey tables.

internal sealed class SqliteDesignTimeFactory : IDesignTimeDbContextFactory<SqlitePortalDbContext>
{
    public SqlitePortalDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqlitePortalDbContext>()
            .UseSqlite("Data Source=design-time.db", DataExtensions.SqliteMigrations)
            .UseApplicationServiceProvider(DesignTimeServices.Create())
            .Options);
}

internal sealed class SqlServerDesignTimeFactory : IDesignTimeDbContextFactory<SqlServerPortalDbContext>
{
    public SqlServerPortalDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqlServerPortalDbContext>()
            .UseSqlServer("Server=(design-time);Database=BacklogPortal", DataExtensions.SqlServerMigrations)
            .UseApplicationServiceProvider(DesignTimeServices.Create())
            .Options);
}

internal static class DesignTimeServices
{
    public static IServiceProvider Create() =>
        new ServiceCollection()
            .Configure<IdentityOptions>(IdentityStore.Configure)
            .BuildServiceProvider();
}
