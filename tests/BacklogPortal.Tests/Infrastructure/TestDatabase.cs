using BacklogPortal.Data;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace BacklogPortal.Tests.Infrastructure;

/// <summary>A real, migrated SQLite database file of its own, for tests below the HTTP level.</summary>
public sealed class TestDatabase : IDbContextFactory<PortalDbContext>, IAsyncDisposable
{
    private readonly DbContextOptions<SqlitePortalDbContext> options;

    private TestDatabase(string path)
    {
        FilePath = path;
        options = new DbContextOptionsBuilder<SqlitePortalDbContext>()
            .UseSqlite(new SqliteConnectionStringBuilder { DataSource = path, DefaultTimeout = 30 }.ToString(),
                DataExtensions.SqliteMigrations)
            // Identity's store options shape the model (schema version); configure them like the app does.
            .UseApplicationServiceProvider(DesignTimeServices.Create())
            .Options;
    }

    public string FilePath { get; }

    public static async Task<TestDatabase> CreateAsync()
    {
        var folder = Path.Combine(Path.GetTempPath(), "backlogportal-tests");
        Directory.CreateDirectory(folder);
        var database = new TestDatabase(Path.Combine(folder, $"{Guid.NewGuid():n}.db"));
        await using var db = database.CreateDbContext();
        await db.Database.MigrateAsync();
        return database;
    }

    public PortalDbContext CreateDbContext() => new SqlitePortalDbContext(options);

    public ValueTask DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        foreach (var suffix in new[] { "", "-wal", "-shm" })
        {
            File.Delete(FilePath + suffix);
        }
        return ValueTask.CompletedTask;
    }
}
