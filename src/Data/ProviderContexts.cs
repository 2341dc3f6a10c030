using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace BacklogPortal.Data;

/// <summary>The SQLite model: the embedded default. Migrations in Data/Migrations/Sqlite.</summary>
public sealed class SqlitePortalDbContext(DbContextOptions<SqlitePortalDbContext> options) : PortalDbContext(options)
{
    protected override void ConfigureConventions(ModelConfigurationBuilder configuration)
    {
        base.ConfigureConventions(configuration);
        // SQLite has no decimal or offset-aware time type, and EF cannot sort or aggregate them
        // there in SQL. Money becomes REAL (exact to the cent for any realistic order value) and
        // instants become UTC ticks, so dashboards and the dispatcher's "due" scans run in the database.
        configuration.Properties<decimal>().HaveConversion<double>();
        configuration.Properties<DateTimeOffset>().HaveConversion<DateTimeOffsetToBinaryConverter>();
        configuration.Properties<DateTimeOffset?>().HaveConversion<DateTimeOffsetToBinaryConverter>();
    }
}

/// <summary>The SQL Server model for production. Migrations in Data/Migrations/SqlServer.</summary>
public sealed class SqlServerPortalDbContext(DbContextOptions<SqlServerPortalDbContext> options) : PortalDbContext(options);
