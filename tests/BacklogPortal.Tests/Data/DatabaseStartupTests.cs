using System.Net;
using BacklogPortal.Tests.Infrastructure;
using Microsoft.Data.Sqlite;

namespace BacklogPortal.Tests.Data;

public sealed class DatabaseStartupTests
{
    /// <summary>What a process killed during its first migration leaves: EF's lock row, nothing else.</summary>
    public sealed class KilledWhileMigratingFactory : PortalAppFactory
    {
        public KilledWhileMigratingFactory()
        {
            DatabasePath = Path.Combine(DataDirectory, "portal.db");
            using var connection = new SqliteConnection($"Data Source={DatabasePath};Pooling=false");
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = """
                CREATE TABLE "__EFMigrationsLock" ("Id" INTEGER NOT NULL CONSTRAINT "PK___EFMigrationsLock" PRIMARY KEY, "Timestamp" TEXT NOT NULL);
                INSERT INTO "__EFMigrationsLock" ("Id", "Timestamp") VALUES (1, '2026-11-26 14:00:00+00:00');
                """;
            command.ExecuteNonQuery();
        }

        public string DatabasePath { get; }
    }

    [Fact]
    public async Task PortalStartsAfterAProcessWasKilledWhileMigrating()
    {
        await using var factory = new KilledWhileMigratingFactory();

        // Before the fix the start waited for the orphaned lock forever; give it a generous bound instead.
        var start = Task.Run(() => factory.CreatePortalClient().GetAsync("/health"));
        var finished = await Task.WhenAny(start, Task.Delay(TimeSpan.FromSeconds(60)));

        Assert.Same(start, finished);
        Assert.Equal(HttpStatusCode.OK, (await start).StatusCode);
    }
}
