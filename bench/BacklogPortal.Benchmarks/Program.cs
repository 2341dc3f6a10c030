using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using BacklogPortal.Benchmarks;
using BacklogPortal.Data;
using BacklogPortal.Domain;
using BacklogPortal.EtaChanges;
using BacklogPortal.Notifications;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;

// Bulk ETA change of one SKU (SPEC quality bar: 50,000 lines, ≤ 1.5 s on SQLite, commit included).
// A plain Stopwatch harness: every run starts from a fresh copy of the same generated database, so
// BenchmarkDotNet's repeated invocations on one state would not measure the same thing.
//
//   dotnet run -c Release --project bench/BacklogPortal.Benchmarks -- [--lines N] [--hot-customers N] [--iterations N] [--warmup N] [--dir PATH]
var options = ParseArguments(args);
BulkEtaDatabase.Verbose = args.Contains("--verbose");
var database = new BulkEtaDatabase(options.Lines, options.HotCustomers * BulkEtaDatabase.OrdersPerCustomer, options.HotCustomers);
Directory.CreateDirectory(options.Directory);
var template = Path.Combine(options.Directory, $"bulk-eta-template-{database.Lines}-{database.HotLines}.db");
if (!File.Exists(template))
{
    // Made under another name and renamed at the end, so an interrupted generation is never reused.
    await database.CreateAsync(template + ".partial");
    SqliteConnection.ClearAllPools();
    File.Move(template + ".partial", template);
}

Console.WriteLine($"Machine: {Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}, {RuntimeInformation.FrameworkDescription}, SQLite {SqliteVersion(template)}");
Console.WriteLine($"Database: {database.Lines:N0} lines, {database.Customers:N0} customers; SKU {BulkEtaDatabase.HotSku}: {database.HotLines:N0} open lines of {database.HotCustomers:N0} customers (+ as many shipped)");

var work = Path.Combine(options.Directory, "bulk-eta-run.db");
var timings = new List<double>();
for (var run = 1; run <= options.Warmup + options.Iterations; run++)
{
    SqliteConnection.ClearAllPools();
    foreach (var suffix in new[] { "", "-wal", "-shm" })
    {
        File.Delete(work + suffix);
    }
    File.Copy(template, work);
    // Write the copy out now, or the kernel's writeback of it competes with the commit being measured.
    using (var copy = new FileStream(work, FileMode.Open, FileAccess.ReadWrite))
    {
        copy.Flush(flushToDisk: true);
    }

    var factory = new PortalDbContextFactory(BulkEtaDatabase.Options(work));
    var service = new EtaChangeService(factory, TimeProvider.System, new OutboxSignal(), NullLogger<EtaChangeService>.Instance);
    var request = new EtaChangeRequest(
        EtaChangeTarget.ForSku(BulkEtaDatabase.HotSku),
        BulkEtaDatabase.HotEta.AddDays(21),
        EtaReasonCode.SupplierDelay,
        "Supplier moved the container to a later vessel",
        ChangeSource.Staff,
        "staff@example.com");

    // The portal keeps its connection pool and the file's pages warm; so does the harness.
    var preview = await service.PreviewAsync(request.Target, request.NewEta);

    var watch = Stopwatch.StartNew();
    var result = await service.ChangeAsync(request);
    watch.Stop();

    await VerifyAsync(factory, result, database);
    var warmup = run <= options.Warmup;
    if (!warmup)
    {
        timings.Add(watch.Elapsed.TotalMilliseconds);
    }
    Console.WriteLine($"{(warmup ? "warmup" : "run   ")} {run,2}: {watch.Elapsed.TotalMilliseconds,7:F0} ms  {result.Message} (preview said {preview.Lines:N0}/{preview.Customers:N0})");
}

timings.Sort();
Console.WriteLine();
Console.WriteLine($"Bulk ETA change, {database.HotLines:N0} lines, {options.Iterations} runs: " +
    $"median {Percentile(timings, 0.50):F0} ms, p95 {Percentile(timings, 0.95):F0} ms, min {timings[0]:F0} ms, max {timings[^1]:F0} ms");
SqliteConnection.ClearAllPools();
foreach (var suffix in new[] { "", "-wal", "-shm" })
{
    File.Delete(work + suffix);
}
return Percentile(timings, 0.95) <= 1_500 ? 0 : 1;

// Nearest rank: with few runs the p95 is the slowest run, which is the honest reading.
static double Percentile(List<double> sorted, double p) => sorted[Math.Max(0, (int)Math.Ceiling(p * sorted.Count) - 1)];

static async Task VerifyAsync(IDbContextFactory<PortalDbContext> factory, EtaChangeResult result, BulkEtaDatabase database)
{
    await using var db = await factory.CreateDbContextAsync();
    var audit = await db.EtaChanges.CountAsync(c => c.BatchId == result.BatchId);
    var outbox = await db.NotificationOutbox.CountAsync(e => e.ProcessedAt == null);
    var moved = await db.OrderLines.CountAsync(l => l.Product!.Sku == BulkEtaDatabase.HotSku && l.Eta == BulkEtaDatabase.HotEta.AddDays(21));
    if (result.LinesChanged != database.HotLines || result.CustomersAffected != database.HotCustomers
        || audit != database.HotLines || outbox != database.HotLines || moved != database.HotLines)
    {
        throw new InvalidOperationException(
            $"Wrong result: {result.Outcome} {result.LinesChanged} lines / {result.CustomersAffected} customers, {audit} audit rows, {outbox} outbox rows, {moved} lines moved.");
    }
}

static string SqliteVersion(string path)
{
    using var connection = new SqliteConnection($"Data Source={path};Mode=ReadOnly;Pooling=False");
    connection.Open();
    using var command = connection.CreateCommand();
    command.CommandText = "SELECT sqlite_version()";
    return (string)command.ExecuteScalar()!;
}

static (int Lines, int HotCustomers, int Iterations, int Warmup, string Directory) ParseArguments(string[] args)
{
    var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
    foreach (var (key, value) in args.Where(a => a != "--verbose").Chunk(2).Where(pair => pair.Length == 2).Select(pair => (pair[0], pair[1])))
    {
        values[key.TrimStart('-')] = value;
    }
    int Int(string key, int fallback) => values.TryGetValue(key, out var v) ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;
    return (Int("lines", 1_000_000), Int("hot-customers", 5_000), Int("iterations", 10), Int("warmup", 2),
        values.TryGetValue("dir", out var dir) ? dir : Path.Combine("artifacts", "bench"));
}

/// <summary>The app's factory shape (provider context handed out as <see cref="PortalDbContext"/>), over a pool.</summary>
internal sealed class PortalDbContextFactory(DbContextOptions<SqlitePortalDbContext> options) : IDbContextFactory<PortalDbContext>
{
    private readonly PooledDbContextFactory<SqlitePortalDbContext> pool = new(options);

    public PortalDbContext CreateDbContext() => pool.CreateDbContext();
}
