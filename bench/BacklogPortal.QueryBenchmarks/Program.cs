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
var floor = new BacklogFloor(connectionString);
var today = DateOnly.FromDateTime(DateTime.UtcNow);
var queries = new (string Name, Func<int, BacklogView> Make)[]
{
    ("default sort (ETA), pages 1-100", i => new BacklogView { Page = 1 + i % 100 }),
    ("sort by order number desc", i => new BacklogView { Page = 1 + i % 100, Sort = BacklogSort.OrderNumber, Descending = true }),
    ("sort by status", i => new BacklogView { Page = 1 + i % 100, Sort = BacklogSort.Status }),
    ("overdue only", i => new BacklogView { Page = 1 + i % 10, OverdueOnly = true }),
    ("awaiting my decision", i => new BacklogView { Page = 1 + i % 3, AwaitingDecisionOnly = true }),
    ("text search 'SKU-00042'", i => new BacklogView { Search = "SKU-00042" }),
};
// The page re-reads the totals only when the filters change; another page or sort of the same lines reads the page alone.
var nextPages = new (string Name, Func<int, BacklogView> Make)[]
{
    ("next page, default sort (page only)", i => new BacklogView { Page = 1 + i % 100 }),
    ("next page, by order number (page only)", i => new BacklogView { Page = 1 + i % 100, Sort = BacklogSort.OrderNumber, Descending = true }),
};

Console.WriteLine($"Machine: {Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}");
Console.WriteLine($"Database: {totalLines:N0} lines; measured customer has {customerLines:N0} open lines; {iterations} calls per query after 50 warm-up calls");
Console.WriteLine("floor: the same page (count, totals, 50 rows with order and product) as one hand-written SQL statement on a bare connection");
Console.WriteLine();
Console.WriteLine($"{"query",-34} {"p50 ms",8} {"p95 ms",8} {"p99 ms",8} {"floor p50",10} {"floor p95",10} {"p95 ratio",10}");
foreach (var (name, make, pageOnly) in queries.Select(q => (q.Name, q.Make, false)).Concat(nextPages.Select(q => (q.Name, q.Make, true))))
{
    for (var i = 0; i < 50; i++)
    {
        await backlog.GetOpenLinesAsync(BacklogGenerator.MeasuredCustomerId, make(i));
        await floor.RunAsync(BacklogGenerator.MeasuredCustomerId, make(i), today);
    }
    var known = (await backlog.GetOpenLinesAsync(BacklogGenerator.MeasuredCustomerId, make(0))).Totals;
    var samples = new double[iterations];
    var floorSamples = new double[iterations];
    for (var i = 0; i < iterations; i++)
    {
        var started = Stopwatch.GetTimestamp();
        var page = await backlog.GetOpenLinesAsync(BacklogGenerator.MeasuredCustomerId, make(i), pageOnly ? known : null);
        samples[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        started = Stopwatch.GetTimestamp();
        var floorRows = await floor.RunAsync(BacklogGenerator.MeasuredCustomerId, make(i), today);
        floorSamples[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        if (page.Lines.Count == 0 || floorRows != page.Lines.Count)
        {
            throw new InvalidOperationException($"'{name}' returned {page.Lines.Count} lines and its floor {floorRows}: the harness would measure nothing or different pages.");
        }
    }
    Array.Sort(samples);
    Array.Sort(floorSamples);
    Console.WriteLine($"{name,-34} {Percentile(samples, 50),8:F2} {Percentile(samples, 95),8:F2} {Percentile(samples, 99),8:F2} {Percentile(floorSamples, 50),10:F2} {Percentile(floorSamples, 95),10:F2} {Percentile(samples, 95) / Percentile(floorSamples, 95),9:F1}x");
}

static double Percentile(double[] sorted, int percent) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(percent / 100.0 * sorted.Length) - 1)];

int ArgValue(string name, int fallback)
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length ? int.Parse(args[index + 1], System.Globalization.CultureInfo.InvariantCulture) : fallback;
}
