using BacklogPortal.Data;
using BacklogPortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BacklogPortal.Tests.Data;

public sealed class SqliteBusyTimeoutTests
{
    [Fact]
    public async Task EveryConnectionThePortalOpensWaitsInsideSqliteForAnotherWriter()
    {
        var factory = new PortalAppFactory();
        try
        {
            _ = factory.Services; // starts the host, which migrates the database
            var dbFactory = factory.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>();

            // Two contexts one after the other: the second gets the pooled native connection back, and must still wait.
            foreach (var _ in Enumerable.Range(0, 2))
            {
                await using var db = await dbFactory.CreateDbContextAsync();
                await db.Database.OpenConnectionAsync();
                await using var command = db.Database.GetDbConnection().CreateCommand();
                command.CommandText = "PRAGMA busy_timeout;";
                var busyTimeout = Convert.ToInt32(await command.ExecuteScalarAsync());

                Assert.Equal(SqliteBusyTimeout.Milliseconds, busyTimeout);
            }
        }
        finally
        {
            await ((IAsyncLifetime)factory).DisposeAsync();
        }
    }
}
