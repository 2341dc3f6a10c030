using System.Globalization;
using System.Runtime.InteropServices;
using BacklogPortal.EmailBenchmarks;

// Email hand-off benchmarks (SPEC quality bar "email hand-off"):
//  1. throughput of the portal's dispatcher to a local SMTP server beside the floor of a bare
//     MailKit loop over as many reused connections, measured in the same run (≥ 1,500/s; goal ≥ 0.6 of the floor);
//  2. a 50,000-line SKU change through composer and dispatcher to SMTP (≤ 30 s after the commit, coalescing window 0).
//
//   dotnet run -c Release --project bench/BacklogPortal.EmailBenchmarks -- [--part all|handoff|sku] [--emails 20000]
//       [--connections 4] [--rounds 3] [--warmup 2000] [--customers 5000] [--orders 10] [--runs 2] [--dir artifacts/email-bench] [--profile] [--no-floor]
//
// --profile sums the dispatcher's database time per statement (EF Core diagnostic events).
// --warmup sends this many emails through each side once before the measured rounds, not counted (0: none).
// --no-floor runs the dispatcher rounds only (for a CPU profiler attached to the process; no ratio, no bars checked).
//
// Exit code 1 when a bar is missed.
var part = "all";
var emails = 20_000;
var connections = 4;
var rounds = 3;
var customers = 5_000;
var orders = 10;
var runs = 2;
var directory = Path.Combine("artifacts", "email-bench");
var profile = false;
var withFloor = true;
var warmup = 2_000;
for (var i = 0; i < args.Length; i += 2)
{
    if (args[i] is "--profile" or "--no-floor")
    {
        profile |= args[i] == "--profile";
        withFloor &= args[i] != "--no-floor";
        i--;
        continue;
    }
    var value = i + 1 < args.Length ? args[i + 1] : throw new ArgumentException($"{args[i]} needs a value.");
    switch (args[i])
    {
        case "--part": part = value; break;
        case "--emails": emails = int.Parse(value, CultureInfo.InvariantCulture); break;
        case "--connections": connections = int.Parse(value, CultureInfo.InvariantCulture); break;
        case "--rounds": rounds = int.Parse(value, CultureInfo.InvariantCulture); break;
        case "--customers": customers = int.Parse(value, CultureInfo.InvariantCulture); break;
        case "--orders": orders = int.Parse(value, CultureInfo.InvariantCulture); break;
        case "--warmup": warmup = int.Parse(value, CultureInfo.InvariantCulture); break;
        case "--runs": runs = int.Parse(value, CultureInfo.InvariantCulture); break;
        case "--dir": directory = value; break;
        default: throw new ArgumentException($"Unknown option {args[i]}.");
    }
}
directory = Path.GetFullPath(directory);

Console.WriteLine($"Machine: {Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}, {RuntimeInformation.FrameworkDescription}; load average {LoadAverage()}");
var missed = new List<string>();

if (part is "all" or "handoff")
{
    var (floor, dispatcher) = await HandoffBenchmark.RunAsync(emails, connections, rounds, directory, profile, withFloor, warmup);
    var dispatcherRate = Median(dispatcher.Select(r => r.EmailsPerSecond));
    var dispatcherCpu = Median(dispatcher.Select(r => r.CpuMicrosecondsPerEmail));
    if (!withFloor)
    {
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Hand-off, median of {rounds} rounds: dispatcher {dispatcherRate:N0} emails/s, CPU {dispatcherCpu:F0} µs per email (no floor measured: --no-floor; bars not checked)"));
    }
    else
    {
        var floorRate = Median(floor.Select(r => r.EmailsPerSecond));
        var floorCpu = Median(floor.Select(r => r.CpuMicrosecondsPerEmail));
        var ratio = Median(floor.Zip(dispatcher, (f, d) => d.EmailsPerSecond / f.EmailsPerSecond));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Hand-off, median of {rounds} rounds: dispatcher {dispatcherRate:N0} emails/s, floor {floorRate:N0} emails/s, ratio {ratio:F2} (bar ≥ 1,500/s, goal ≥ 0.60); CPU per email dispatcher {dispatcherCpu:F0} µs, floor {floorCpu:F0} µs"));
        if (dispatcherRate < 1_500)
        {
            missed.Add($"dispatcher {dispatcherRate:N0} emails/s < 1,500");
        }
        if (ratio < 0.6)
        {
            missed.Add(string.Create(CultureInfo.InvariantCulture, $"ratio {ratio:F2} < 0.60 of the floor"));
        }
    }
}

if (part is "all" or "sku")
{
    var results = await SkuChangeBenchmark.RunAsync(customers, orders, runs, directory);
    var worst = results.Max(r => r.AllHandedOver);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"SKU change, {runs} runs: all emails handed to SMTP {string.Join(" / ", results.Select(r => r.AllHandedOver.TotalSeconds.ToString("F1", CultureInfo.InvariantCulture)))} s after the commit (bar ≤ 30 s)"));
    if (worst > TimeSpan.FromSeconds(30))
    {
        missed.Add(string.Create(CultureInfo.InvariantCulture, $"SKU change took {worst.TotalSeconds:F1} s > 30 s"));
    }
}

Console.WriteLine($"Load average at the end: {LoadAverage()}");
Console.WriteLine(missed.Count == 0 ? "All bars met." : $"Missed: {string.Join("; ", missed)}");
return missed.Count == 0 ? 0 : 1;

static double Median(IEnumerable<double> values)
{
    var sorted = values.Order().ToList();
    return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
}

static string LoadAverage() =>
    File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";
