using BacklogPortal.Data;
using Microsoft.EntityFrameworkCore;

namespace BacklogPortal.QueryBenchmarks;

internal sealed class BenchContextFactory(DbContextOptions<SqlitePortalDbContext> options) : IDbContextFactory<PortalDbContext>
{
    public PortalDbContext CreateDbContext() => new SqlitePortalDbContext(options);
}
