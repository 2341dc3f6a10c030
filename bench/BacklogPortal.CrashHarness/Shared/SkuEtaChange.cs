using BacklogPortal.Data;
using BacklogPortal.Domain;
using BacklogPortal.EtaChanges;
using BacklogPortal.Notifications;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;

namespace BacklogPortal.Bench;

/// <summary>
/// Moves the ETA of every open line of one SKU through the portal's own write path
/// (<see cref="EtaChangeService"/>), on the database the given context points at, as staff do.
/// The caller wakes a running portal's dispatcher itself when it needs to.
/// </summary>
public static class SkuEtaChange
{
    public sealed record Result(int Lines, int Customers, DateTimeOffset CommittedAt);

    public static async Task<Result> ChangeAsync(PortalDbContext db, string sku, DateOnly newEta, string reasonText, CancellationToken cancellationToken = default)
    {
        var service = new EtaChangeService(new SameDatabase(db), TimeProvider.System, new OutboxSignal(), NullLogger<EtaChangeService>.Instance);
        var result = await service.ChangeAsync(new EtaChangeRequest(EtaChangeTarget.ForSku(sku), newEta,
            EtaReasonCode.SupplierDelay, reasonText, ChangeSource.System, "bench"), cancellationToken);
        if (!result.Succeeded)
        {
            throw new InvalidOperationException($"The SKU change failed: {result.Outcome}, {result.Message}");
        }
        return new Result(result.LinesChanged, result.CustomersAffected, DateTimeOffset.UtcNow);
    }

    // Fresh contexts with the options of the caller's context: the same database file and settings.
    private sealed class SameDatabase(PortalDbContext db) : IDbContextFactory<PortalDbContext>
    {
        private readonly DbContextOptions<SqlitePortalDbContext> options =
            (DbContextOptions<SqlitePortalDbContext>)db.GetService<IDbContextOptions>();

        public PortalDbContext CreateDbContext() => new SqlitePortalDbContext(options);
    }
}
