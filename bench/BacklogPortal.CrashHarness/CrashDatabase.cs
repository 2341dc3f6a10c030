using BacklogPortal.Bench;
using BacklogPortal.Domain;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace BacklogPortal.CrashHarness;

/// <summary>The notifications as the database has them at one moment (the app dead or running).</summary>
public sealed record DatabaseState(
    IReadOnlyDictionary<string, NotificationRow> ByMessageId,
    int Notifications,
    int Waiting,
    int Leased,
    int UnprocessedEntries,
    int CustomersWaiting)
{
    /// <summary>Work the next life can do: emails to send and customers to compose.</summary>
    public int WorkLeft => Waiting + CustomersWaiting;
}

public sealed record NotificationRow(long Id, string? MessageId, NotificationStatus Status, DateTimeOffset? SentAt, int Attempts, string? LastError);

/// <summary>
/// The portal database the harness prepares and inspects: customers with two open lines each (two
/// SKUs), and "waves" of ETA changes written like the portal's write path (one SKU-wide change per
/// SKU, audit and outbox rows in the same transaction), each wave giving every customer one email
/// with two lines.
/// </summary>
public sealed class CrashDatabase(string path)
{
    public static readonly IReadOnlyList<string> Skus = ["CRASH-DRILL-01", "CRASH-SAW-02"];

    private static readonly DateOnly FirstEta = new(2027, 3, 1);

    public string Path { get; } = path;

    public int Waves { get; private set; }

    public async Task CreateAsync(int customers)
    {
        await BenchDatabase.CreateAsync(Path, new BenchCustomers(customers, OrdersPerCustomer: 1, Skus, FirstEta));
        SqliteConnection.ClearAllPools();
    }

    /// <summary>Moves both SKUs a week later: two commits, as two staff changes while the app is down.</summary>
    public async Task<int> WriteWaveAsync()
    {
        Waves++;
        var lines = 0;
        await using var db = BenchDatabase.Open(Path);
        for (var s = 0; s < Skus.Count; s++)
        {
            var result = await SkuEtaChange.ChangeAsync(db, Skus[s], FirstEta.AddDays(7 * Waves + s), $"Crash harness wave {Waves}");
            lines += result.Lines;
        }
        SqliteConnection.ClearAllPools();
        return lines;
    }

    public async Task<DatabaseState> ReadStateAsync()
    {
        var now = DateTimeOffset.UtcNow;
        await using var db = BenchDatabase.Open(Path);
        var rows = await db.Notifications.AsNoTracking()
            .Select(n => new { n.Id, n.MessageId, n.Status, n.SentAt, n.Attempts, n.LastError, n.LeaseExpiresAt })
            .ToListAsync();
        var unprocessed = await db.NotificationOutbox.Where(e => e.ProcessedAt == null).CountAsync();
        var customersWaiting = await db.NotificationOutbox.Where(e => e.ProcessedAt == null).Select(e => e.CustomerId).Distinct().CountAsync();
        SqliteConnection.ClearAllPools();
        var waiting = rows.Count(r => r.Status is NotificationStatus.Pending or NotificationStatus.Retrying);
        return new DatabaseState(
            rows.Where(r => r.MessageId is not null).ToDictionary(
                r => r.MessageId!,
                r => new NotificationRow(r.Id, r.MessageId, r.Status, r.SentAt, r.Attempts, r.LastError)),
            rows.Count,
            waiting,
            rows.Count(r => r.Status is NotificationStatus.Pending or NotificationStatus.Retrying && r.LeaseExpiresAt > now),
            unprocessed,
            customersWaiting);
    }

    /// <summary>The outbox and notification invariants that must hold once everything is sent.</summary>
    public async Task<OutboxAudit> AuditOutboxAsync()
    {
        await using var db = BenchDatabase.Open(Path);
        var entries = await db.NotificationOutbox.CountAsync();
        var unprocessed = await db.NotificationOutbox.CountAsync(e => e.ProcessedAt == null);
        var silent = await db.NotificationOutbox.CountAsync(e => e.ProcessedAt != null && e.NotificationId == null);
        var orphans = await db.Notifications.CountAsync(n => !db.NotificationOutbox.Any(e => e.NotificationId == n.Id));
        var crossed = await (
            from e in db.NotificationOutbox
            join n in db.Notifications on e.NotificationId equals (long?)n.Id
            where e.CustomerId != n.CustomerId
            select e.Id).CountAsync();
        var statuses = await db.Notifications.GroupBy(n => n.Status).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Key, g => g.Count);
        var leased = await db.Notifications.CountAsync(n => n.LeaseOwner != null);
        var lines = await db.EtaChanges.CountAsync();
        var customers = await db.Customers.CountAsync();
        var migrationLock = await MigrationLockRowsAsync(db);
        SqliteConnection.ClearAllPools();
        return new OutboxAudit(entries, unprocessed, silent, orphans, crossed, statuses, leased, lines, customers, migrationLock);
    }

    /// <summary>Rows in EF Core's migration lock table (SQLite): a row left behind makes every later start wait for ever.</summary>
    public async Task<int> MigrationLockRowsAsync()
    {
        await using var db = BenchDatabase.Open(Path);
        var rows = await MigrationLockRowsAsync(db);
        SqliteConnection.ClearAllPools();
        return rows;
    }

    public async Task ClearMigrationLockAsync()
    {
        await using var db = BenchDatabase.Open(Path);
        await db.Database.ExecuteSqlRawAsync("""DELETE FROM "__EFMigrationsLock";""");
        SqliteConnection.ClearAllPools();
    }

    private static async Task<int> MigrationLockRowsAsync(Microsoft.EntityFrameworkCore.DbContext db)
    {
        var connection = db.Database.GetDbConnection();
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = """SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = '__EFMigrationsLock'""";
        if (Convert.ToInt32(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture) == 0)
        {
            return 0;
        }
        command.CommandText = """SELECT count(*) FROM "__EFMigrationsLock";""";
        return Convert.ToInt32(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }
}

public sealed record OutboxAudit(
    int Entries,
    int Unprocessed,
    int ProcessedWithoutEmail,
    int NotificationsWithoutEntries,
    int EntriesInAnotherCustomersEmail,
    IReadOnlyDictionary<NotificationStatus, int> Statuses,
    int StillLeased,
    int EtaChanges,
    int Customers,
    int MigrationLockRows)
{
    public int Count(NotificationStatus status) => Statuses.GetValueOrDefault(status);
}
