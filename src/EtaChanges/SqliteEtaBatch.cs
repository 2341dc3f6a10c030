using System.Globalization;
using BacklogPortal.Data;

namespace BacklogPortal.EtaChanges;

/// <summary>
/// The connection of a batch of ETA changes on SQLite (a CSV import of up to 100,000 rows), with a larger page cache
/// for as long as the batch runs (decision 009, amendment; docs/PERFORMANCE.md, "CSV import"). An import's items
/// are grouped by date, so each item's statements touch lines all over the table and a page of lines is changed by
/// several items; with SQLite's default cache of 2 MB each of those pages is read and spilled to the log again and
/// again. The cache grows only as the batch needs it, and is given back when the batch ends, so the pooled
/// connection keeps its usual size.
/// </summary>
internal sealed class SqliteEtaBatch : IAsyncDisposable
{
    // In KiB (a negative cache_size is KiB): room for every page of a 1,000,000-line table and its indexes.
    internal const int BatchCacheKiB = 256 * 1024;

    private readonly PortalDbContext db;
    private readonly long usualCacheSize;

    private SqliteEtaBatch(PortalDbContext db, long usualCacheSize) => (this.db, this.usualCacheSize) = (db, usualCacheSize);

    /// <summary>Opens the context's connection for the whole batch and gives it the larger page cache.</summary>
    public static async Task<SqliteEtaBatch> OpenAsync(PortalDbContext db, CancellationToken cancellationToken)
    {
        await db.Database.OpenConnectionAsync(cancellationToken);
        var usual = await db.Database.SqlQueryRaw<long>("""SELECT "cache_size" AS "Value" FROM pragma_cache_size""").SingleAsync(cancellationToken);
        await db.Database.ExecuteSqlRawAsync(CacheSize(-BatchCacheKiB), cancellationToken);
        return new SqliteEtaBatch(db, usual);
    }

    /// <summary>Gives the pages back and closes the connection (into its pool, with its usual cache size).</summary>
    public async ValueTask DisposeAsync()
    {
        await db.Database.ExecuteSqlRawAsync(CacheSize(usualCacheSize));
        await db.Database.ExecuteSqlRawAsync("PRAGMA shrink_memory;");
        await db.Database.CloseConnectionAsync();
    }

    // A PRAGMA takes no parameters; the size is a number the portal chose.
    private static string CacheSize(long size) => string.Create(CultureInfo.InvariantCulture, $"PRAGMA cache_size = {size};");
}
