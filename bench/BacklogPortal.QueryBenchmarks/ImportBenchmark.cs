using System.Diagnostics;
using System.Globalization;
using System.Text;
using BacklogPortal.Data;
using BacklogPortal.Domain;
using BacklogPortal.EtaChanges;
using BacklogPortal.Import;
using BacklogPortal.Notifications;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace BacklogPortal.QueryBenchmarks;

/// <summary>
/// CSV import harness (SPEC: 100,000 rows validated and applied in one transaction ≤ 10 s, SQLite). Each run
/// imports a file of 100,000 order-line rows (dates over 180 days, five reason codes) into a fresh copy of
/// the generated 1,000,000-line file through <see cref="EtaImport"/>, and beside it the floor: the same
/// change as one set-based statement batch (rows into a temporary table, then claim, audit, outbox and
/// update statements joined to it, with the same page cache) on another fresh copy.
/// </summary>
internal static class ImportBenchmark
{
    public static async Task RunAsync(string baseFile, int rows, int runs)
    {
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var (csv, changes) = await BuildFileAsync(baseFile, rows, today);
        Console.WriteLine($"Machine: {Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}");
        Console.WriteLine($"File: {rows:N0} rows, {csv.Length / 1024.0 / 1024.0:F1} MB; database: {baseFile}; {runs} runs, each on a fresh copy");
        Console.WriteLine();
        Console.WriteLine($"{"run",4} {"check s",9} {"apply s",9} {"floor s",9} {"ratio",7}");
        for (var run = 1; run <= runs; run++)
        {
            var (check, apply) = await ImportAsync(baseFile, csv, rows);
            var floor = await FloorAsync(baseFile, changes);
            Console.WriteLine($"{run,4} {check.TotalSeconds,9:F2} {apply.TotalSeconds,9:F2} {floor.TotalSeconds,9:F2} {apply / floor,7:F2}");
        }
        Console.WriteLine("check: CheckAsync alone (read, validate, look up, preview); apply: ApplyAsync (checks again, then one transaction).");
    }

    private static async Task<(TimeSpan Check, TimeSpan Apply)> ImportAsync(string baseFile, byte[] csv, int rows)
    {
        var path = await FreshCopyAsync(baseFile, "import");
        var options = new DbContextOptionsBuilder<SqlitePortalDbContext>()
            .UseSqlite(new SqliteConnectionStringBuilder { DataSource = path, Pooling = true, DefaultTimeout = 60 }.ToString())
            .UseApplicationServiceProvider(DesignTimeServices.Create())
            .Options;
        var factory = new BenchContextFactory(options);
        await using (var db = factory.CreateDbContext())
        {
            await db.Database.MigrateAsync();
        }
        var import = new EtaImport(
            factory,
            new EtaChangeService(factory, TimeProvider.System, new OutboxSignal(), NullLogger<EtaChangeService>.Instance),
            Options.Create(new ImportOptions()),
            TimeProvider.System);

        var started = Stopwatch.GetTimestamp();
        var check = await import.CheckAsync(csv, "bench.csv");
        var checkTime = Stopwatch.GetElapsedTime(started);
        if (!check.IsValid)
        {
            throw new InvalidOperationException("The bench file is invalid: " + string.Join("; ", check.Problems.Take(5)));
        }

        started = Stopwatch.GetTimestamp();
        var outcome = await import.ApplyAsync(csv, "bench.csv", "bench@example.com");
        var applyTime = Stopwatch.GetElapsedTime(started);
        // A few generated lines already sit at the date in the file: the import leaves them alone.
        if (outcome.Result is not { Outcome: EtaChangeOutcome.Changed } result || result.LinesChanged != check.Preview!.Lines
            || result.LinesChanged + check.Preview.Unchanged != rows)
        {
            throw new InvalidOperationException($"The import changed {outcome.Result?.LinesChanged} lines, not the {check.Preview?.Lines:N0} of its preview: {outcome.Result?.Message}");
        }
        SqliteConnection.ClearAllPools();
        Delete(path);
        return (checkTime, applyTime);
    }

    private static async Task<TimeSpan> FloorAsync(string baseFile, List<(int LineId, string Eta, int Reason)> changes)
    {
        var path = await FreshCopyAsync(baseFile, "floor");
        // The same schema as the portal's copy, triggers included (decision 016): they are part of every write.
        await using (var db = new SqlitePortalDbContext(new DbContextOptionsBuilder<SqlitePortalDbContext>()
            .UseSqlite(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString())
            .UseApplicationServiceProvider(DesignTimeServices.Create())
            .Options))
        {
            await db.Database.MigrateAsync();
        }
        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        await connection.OpenAsync();
        await using (var cache = connection.CreateCommand())
        {
            // The page cache the portal gives a batch (SqliteEtaBatch).
            cache.CommandText = $"PRAGMA cache_size = {-SqliteEtaBatch.BatchCacheKiB}";
            await cache.ExecuteNonQueryAsync();
        }
        var started = Stopwatch.GetTimestamp();
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync();
        await Execute(connection, transaction, "CREATE TEMP TABLE ImportRows (LineId INTEGER PRIMARY KEY, NewEta TEXT, ReasonCode INTEGER)");
        await using (var insert = connection.CreateCommand())
        {
            insert.Transaction = transaction;
            insert.CommandText = "INSERT INTO ImportRows VALUES ($id, $eta, $reason)";
            var id = insert.Parameters.Add("$id", SqliteType.Integer);
            var eta = insert.Parameters.Add("$eta", SqliteType.Text);
            var reason = insert.Parameters.Add("$reason", SqliteType.Integer);
            foreach (var change in changes)
            {
                (id.Value, eta.Value, reason.Value) = (change.LineId, change.Eta, change.Reason);
                await insert.ExecuteNonQueryAsync();
            }
        }
        var changed = await Execute(connection, transaction, """
            UPDATE OrderLines SET Version = Version + 1
            WHERE Id IN (SELECT LineId FROM ImportRows) AND Status IN (0, 1);
            """);
        await Execute(connection, transaction, $"""
            INSERT INTO EtaChanges (OrderLineId, CustomerId, OldEta, NewEta, ReasonCode, ReasonText, Source, ChangedBy, ChangedAt, BatchId)
            SELECT l.Id, l.CustomerId, l.Eta, r.NewEta, r.ReasonCode, NULL, 1, 'floor', 0, 'FLOOR'
            FROM OrderLines l JOIN ImportRows r ON r.LineId = l.Id WHERE l.Status IN (0, 1);
            INSERT INTO NotificationOutbox (CustomerId, Kind, OrderLineId, EtaChangeId, CreatedAt, ProcessedAt, NotificationId)
            SELECT CustomerId, {(int)NotificationKind.EtaChanged}, OrderLineId, Id, ChangedAt, NULL, NULL FROM EtaChanges WHERE BatchId = 'FLOOR';
            UPDATE OrderLines SET Eta = (SELECT NewEta FROM ImportRows WHERE LineId = OrderLines.Id), EtaChangeCount = EtaChangeCount + 1,
                ConsentRequired = 1, CustomerResponse = 0, CustomerRespondedAt = NULL, CustomerRespondedBy = NULL
            WHERE Id IN (SELECT LineId FROM ImportRows) AND Status IN (0, 1);
            """);
        await transaction.CommitAsync();
        var elapsed = Stopwatch.GetElapsedTime(started);
        if (changed != changes.Count)
        {
            throw new InvalidOperationException($"The floor changed {changed} lines instead of {changes.Count:N0}.");
        }
        await connection.CloseAsync();
        Delete(path);
        return elapsed;
    }

    // Open lines spread over the whole file (every eighth), one row each.
    private static async Task<(byte[] Csv, List<(int, string, int)> Changes)> BuildFileAsync(string baseFile, int rows, DateOnly today)
    {
        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = baseFile, Mode = SqliteOpenMode.ReadOnly }.ToString());
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT l.Id, o.OrderNumber, l.LineNumber FROM OrderLines l JOIN Orders o ON o.Id = l.OrderId
            WHERE l.Status IN (0, 1) AND l.Id % 8 = 0 ORDER BY l.Id LIMIT $rows
            """;
        command.Parameters.AddWithValue("$rows", rows);
        var reasons = new[] { ("supplierDelay", 1), ("production", 2), ("transport", 3), ("releaseDateMoved", 4), ("stockArrivedEarly", 5) };
        var text = new StringBuilder(string.Join(',', EtaImportFile.Columns)).Append('\n');
        var changes = new List<(int, string, int)>(rows);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            var i = changes.Count;
            var eta = today.AddDays(30 + i % 180).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            var (code, number) = reasons[i % reasons.Length];
            text.Append(reader.GetString(1)).Append(',').Append(reader.GetInt32(2)).Append(",,").Append(eta).Append(',').Append(code).Append(",\n");
            changes.Add((reader.GetInt32(0), eta, number));
        }
        if (changes.Count != rows)
        {
            throw new InvalidOperationException($"The database has only {changes.Count:N0} suitable open lines.");
        }
        return (Encoding.UTF8.GetBytes(text.ToString()), changes);
    }

    private static async Task<string> FreshCopyAsync(string baseFile, string name)
    {
        var path = Path.Combine(Path.GetDirectoryName(baseFile)!, $"{name}-{Guid.NewGuid():n}.db");
        await using var source = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = baseFile, Pooling = false }.ToString());
        await source.OpenAsync();
        await using var vacuum = source.CreateCommand();
        vacuum.CommandText = "VACUUM INTO $path";
        vacuum.Parameters.AddWithValue("$path", path);
        await vacuum.ExecuteNonQueryAsync();
        return path;
    }

    private static async Task<int> Execute(SqliteConnection connection, SqliteTransaction transaction, string sql)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        return await command.ExecuteNonQueryAsync();
    }

    private static void Delete(string path)
    {
        foreach (var suffix in new[] { "", "-wal", "-shm" })
        {
            File.Delete(path + suffix);
        }
    }
}
