// Customer backlog query harness (SPEC quality bar: p95 ≤ 5 ms server-side for one page of 50 lines,
// for a customer with 5,000 open lines in a database of 1,000,000 lines, SQLite).
//
//   dotnet run -c Release --project bench/BacklogPortal.QueryBenchmarks -- [--lines 1000000] [--customer-lines 5000]
//
// Builds (once, cached under artifacts/bench) a migrated SQLite file with the given number of lines spread over
// many customers, one of which has the given number of open lines; then times CustomerBacklog.GetOpenLinesAsync
// (count + page, a fresh DbContext per call, as the page does) over many pages, sorts and filters.
//
//   dotnet run -c Release --project bench/BacklogPortal.QueryBenchmarks -- --dashboard [--iterations 30]
//
// Staff dashboard (SPEC: all figures ≤ 200 ms on 1,000,000 lines): see DashboardBenchmark.
//
//   dotnet run -c Release --project bench/BacklogPortal.QueryBenchmarks -- --import [--rows 100000] [--runs 3]
//
// CSV import (SPEC: 100,000 rows validated and applied in one transaction ≤ 10 s): see ImportBenchmark.
using System.Diagnostics;
using BacklogPortal.Backlog;
using BacklogPortal.Data;
using BacklogPortal.QueryBenchmarks;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

var totalLines = ArgValue("--lines", 1_000_000);
var customerLines = ArgValue("--customer-lines", 5_000);
var iterations = ArgValue("--iterations", 400);

var folder = Path.GetFullPath(Path.Combine("artifacts", "bench"));
Directory.CreateDirectory(folder);
var path = Path.Combine(folder, $"backlog-{totalLines}-{customerLines}.db");
var connectionString = new SqliteConnectionStringBuilder { DataSource = path, Pooling = true }.ToString();
var options = new DbContextOptionsBuilder<SqlitePortalDbContext>()
    .UseSqlite(connectionString)
    .UseApplicationServiceProvider(DesignTimeServices.Create())
    .Options;
var factory = new BenchContextFactory(options);

if (!File.Exists(path))
{
    var generation = Stopwatch.StartNew();
    await using (var db = factory.CreateDbContext())
    {
        await db.Database.MigrateAsync();
    }
    await BacklogGenerator.GenerateAsync(connectionString, totalLines, customerLines);
    Console.WriteLine($"Generated {totalLines:N0} lines in {generation.Elapsed.TotalSeconds:F1} s: {path}");
}

if (args.Contains("--import"))
{
    await ImportBenchmark.RunAsync(path, ArgValue("--rows", 100_000), ArgValue("--runs", 3));
    return;
}

if (args.Contains("--dashboard"))
{
    await DashboardBenchmark.RunAsync(path, ArgValue("--iterations", 30));
    return;
}

var backlog = new CustomerBacklog(factory, TimeProvider.System);
var queries = new (string Name, Func<int, BacklogView> Make)[]
{
    ("default sort (ETA), pages 1-100", i => new BacklogView { Page = 1 + i % 100 }),
    ("sort by order number desc", i => new BacklogView { Page = 1 + i % 100, Sort = BacklogSort.OrderNumber, Descending = true }),
    ("overdue only", i => new BacklogView { Page = 1 + i % 10, OverdueOnly = true }),
    ("text search 'SKU-00042'", i => new BacklogView { Search = "SKU-00042" }),
};

Console.WriteLine($"Machine: {Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}");
Console.WriteLine($"Database: {totalLines:N0} lines; measured customer has {customerLines:N0} open lines; {iterations} calls per query after 50 warm-up calls");
Console.WriteLine();
Console.WriteLine($"{"query",-36} {"p50 ms",8} {"p95 ms",8} {"p99 ms",8} {"max ms",8}");
foreach (var (name, make) in queries)
{
    for (var i = 0; i < 50; i++)
    {
        await backlog.GetOpenLinesAsync(BacklogGenerator.MeasuredCustomerId, make(i));
    }
    var samples = new double[iterations];
    for (var i = 0; i < iterations; i++)
    {
        var started = Stopwatch.GetTimestamp();
        var page = await backlog.GetOpenLinesAsync(BacklogGenerator.MeasuredCustomerId, make(i));
        samples[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        if (page.Lines.Count == 0)
        {
            throw new InvalidOperationException($"'{name}' returned no lines: the harness would measure nothing.");
        }
    }
    Array.Sort(samples);
    Console.WriteLine($"{name,-36} {Percentile(samples, 50),8:F2} {Percentile(samples, 95),8:F2} {Percentile(samples, 99),8:F2} {samples[^1],8:F2}");
}

static double Percentile(double[] sorted, int percent) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(percent / 100.0 * sorted.Length) - 1)];

int ArgValue(string name, int fallback)
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length ? int.Parse(args[index + 1], System.Globalization.CultureInfo.InvariantCulture) : fallback;
}
