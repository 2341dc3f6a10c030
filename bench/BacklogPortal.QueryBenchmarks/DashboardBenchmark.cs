using System.Diagnostics;
using BacklogPortal.Data;
using BacklogPortal.Staff.Dashboard;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace BacklogPortal.QueryBenchmarks;

/// <summary>
/// Staff dashboard harness (SPEC: all figures ≤ 200 ms on 1,000,000 lines, SQLite). Copies the generated
/// backlog file once, adds what the dashboard reads beyond lines (ETA change audit rows over 16 weeks,
/// lines awaiting consent, customer answers), checks the figures against a recomputation from every line,
/// then times <see cref="StaffDashboardQuery.GetAsync"/> beside its floor: the same queries over the same
/// running totals (decision 016) as hand-written SQL on the same file, also on parallel connections.
/// </summary>
internal static class DashboardBenchmark
{
    public static async Task RunAsync(string baseFile, int iterations)
    {
        var path = Path.Combine(Path.GetDirectoryName(baseFile)!, "dashboard-" + Path.GetFileName(baseFile));
        var connectionString = new SqliteConnectionStringBuilder { DataSource = path, Pooling = true }.ToString();
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        if (!File.Exists(path))
        {
            await using (var source = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = baseFile }.ToString()))
            {
                await source.OpenAsync();
                await using var vacuum = source.CreateCommand();
                vacuum.CommandText = "VACUUM INTO $path";
                vacuum.Parameters.AddWithValue("$path", path);
                await vacuum.ExecuteNonQueryAsync();
            }
            await EnrichAsync(connectionString, today);
        }

        var options = new DbContextOptionsBuilder<SqlitePortalDbContext>()
            .UseSqlite(connectionString)
            .UseApplicationServiceProvider(DesignTimeServices.Create())
            .Options;
        var factory = new BenchContextFactory(options);
        await using (var db = factory.CreateDbContext())
        {
            // The file was generated before the latest migrations: bring it up to date (indexes included).
            await db.Database.MigrateAsync();
        }
        var query = new StaffDashboardQuery(factory, TimeProvider.System);
        var floor = new DashboardFloor(connectionString, today);

        Console.WriteLine($"Machine: {Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}");
        Console.WriteLine($"Database: {path}; {iterations} calls each after 5 warm-up calls");
        var dashboard = await query.GetAsync();
        var check = await floor.RecomputeAsync();
        Console.WriteLine($"Figures: {dashboard.Open.Lines:N0} open lines, {dashboard.Open.Units:N0} units, {dashboard.Open.Customers:N0} customers, "
            + $"{dashboard.OverdueLines:N0} overdue, {dashboard.AwaitingDecision:N0} awaiting, {dashboard.Slippage.LateLines:N0} late (worst {dashboard.Slippage.WorstDays} days), "
            + $"{dashboard.SlippageTrend.Sum(w => w.Lines):N0} lines changed in 12 weeks");
        // The running totals must say what every line and change says, recomputed the slow way.
        var shown = new DashboardFloor.Check(dashboard.Open.Lines, dashboard.Open.Units, dashboard.OverdueLines, dashboard.AwaitingDecision,
            dashboard.Slippage.LateLines, dashboard.Slippage.WorstDays ?? 0, dashboard.TopSkus[0].Units, dashboard.Open.Customers,
            dashboard.SlippageTrend.Sum(w => w.Lines));
        if (check != shown)
        {
            throw new InvalidOperationException($"The figures disagree with the lines: shown {shown}, recomputed {check}");
        }
        Console.WriteLine("Recomputed from every line and change: the same figures.");

        var portal = await Measure(() => query.GetAsync(), iterations);
        var bare = await Measure(floor.RunAsync, iterations);
        Console.WriteLine();
        Console.WriteLine($"{"dashboard (all figures)",-34} {"p50 ms",8} {"p95 ms",8} {"max ms",8}");
        Console.WriteLine($"{"StaffDashboardQuery.GetAsync",-34} {portal.P50,8:F1} {portal.P95,8:F1} {portal.Max,8:F1}");
        Console.WriteLine($"{"floor: the same SQL by hand",-34} {bare.P50,8:F1} {bare.P95,8:F1} {bare.Max,8:F1}");
        Console.WriteLine($"{"ratio (p50)",-34} {portal.P50 / bare.P50,8:F2}");
    }

    private static async Task<(double P50, double P95, double Max)> Measure<T>(Func<Task<T>> run, int iterations)
    {
        for (var i = 0; i < 5; i++)
        {
            await run();
        }
        var samples = new double[iterations];
        for (var i = 0; i < iterations; i++)
        {
            var started = Stopwatch.GetTimestamp();
            await run();
            samples[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        }
        Array.Sort(samples);
        return (samples[(int)Math.Ceiling(0.5 * iterations) - 1], samples[(int)Math.Ceiling(0.95 * iterations) - 1], samples[^1]);
    }

    // What the dashboard reads beyond the lines themselves, spread like a busy quarter: a quarter of the
    // lines changed once in the last 16 weeks (staff, import and API in turn), one open line in nine
    // awaiting consent, and answers from the last 10 days on one line in 27.
    private static async Task EnrichAsync(string connectionString, DateOnly today)
    {
        var binary = new DateTimeOffsetToBinaryConverter();
        long Encode(DateTimeOffset value) => (long)binary.ConvertToProvider(value)!;
        var midnight = new DateTimeOffset(today.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        var day = Encode(midnight.AddDays(1)) - Encode(midnight);

        await using var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync();
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync();
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = """
            INSERT INTO EtaChanges (OrderLineId, CustomerId, OldEta, NewEta, ReasonCode, ReasonText, Source, ChangedBy, ChangedAt, BatchId)
            SELECT Id, CustomerId, PromisedDate, Eta, 1, NULL, Id % 3, 'bench', $start + (Id % 112) * $day + (Id % 997) * $second, NULL
            FROM OrderLines WHERE Id % 4 = 0;
            UPDATE OrderLines SET EtaChangeCount = 1 WHERE Id % 4 = 0;
            UPDATE OrderLines SET ConsentRequired = 1 WHERE Id % 9 = 0 AND Status IN (0, 1);
            UPDATE OrderLines SET CustomerResponse = 1 + (Id % 2), CustomerRespondedBy = 'bench',
                CustomerRespondedAt = $start + (112 - Id % 10) * $day
            WHERE Id % 27 = 0;
            """;
        command.Parameters.AddWithValue("$start", Encode(midnight.AddDays(-111)));
        command.Parameters.AddWithValue("$day", day);
        // A whole number of seconds keeps the low 11 bits (the offset, 0 = UTC) as the converter writes them.
        command.Parameters.AddWithValue("$second", Encode(midnight.AddSeconds(1)) - Encode(midnight));
        await command.ExecuteNonQueryAsync();
        await transaction.CommitAsync();
        await using var analyze = connection.CreateCommand();
        analyze.CommandText = "ANALYZE;";
        await analyze.ExecuteNonQueryAsync();
    }
}
