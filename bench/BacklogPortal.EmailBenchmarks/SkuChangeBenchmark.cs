using System.Diagnostics;
using System.Globalization;
using BacklogPortal.Bench;
using BacklogPortal.Domain;
using BacklogPortal.Notifications;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BacklogPortal.EmailBenchmarks;

/// <param name="Commit">How long the SKU change itself took (not part of the bar).</param>
/// <param name="FirstEmail">From the commit to the first email the server accepted.</param>
/// <param name="Composed">From the commit to the moment no outbox entry was waiting any more.</param>
/// <param name="AllHandedOver">From the commit to the last email the server accepted: the figure of the bar.</param>
/// <param name="MostUnrecorded">
/// The most emails seen accepted by the server but not yet recorded as sent (sampled every 50 ms):
/// what a crash at that moment would have sent twice.
/// </param>
public sealed record SkuRun(int Lines, int Customers, TimeSpan Commit, TimeSpan FirstEmail, TimeSpan Composed, TimeSpan AllHandedOver, long MostUnrecorded);

/// <summary>
/// SPEC bar "a 50,000-line change reaches SMTP in ≤ 30 s after the coalescing window": the portal
/// runs in this process with its real background loops (composer and dispatcher, woken by the
/// outbox signal as after a staff change) and <c>Notifications:CoalesceWindow=0</c>; the SKU
/// change commits 50,000 lines of 5,000 customers, and the clock runs from the commit until the
/// SMTP server has accepted one email per customer.
/// </summary>
public static class SkuChangeBenchmark
{
    public const string HotSku = "BENCH-HOT-01";
    private static readonly DateOnly Eta = new(2027, 6, 1);

    public static async Task<List<SkuRun>> RunAsync(int customers, int ordersPerCustomer, int runs, string directory)
    {
        var spec = new BenchCustomers(customers, ordersPerCustomer, [HotSku, "BENCH-OTHER-02"], Eta);
        Directory.CreateDirectory(directory);
        var template = Path.Combine(directory, $"sku-template-{customers}x{ordersPerCustomer}.db");
        if (!File.Exists(template))
        {
            var watch = Stopwatch.StartNew();
            // Made under another name and renamed at the end, so an interrupted generation is never reused.
            await BenchDatabase.CreateAsync(template + ".partial", spec);
            SqliteConnection.ClearAllPools();
            File.Move(template + ".partial", template);
            Console.WriteLine($"Generated {template} ({watch.Elapsed.TotalSeconds:F1} s)");
        }
        Console.WriteLine($"SKU change: {HotSku} has {spec.LinesPerSku:N0} open lines of {customers:N0} customers " +
            $"({ordersPerCustomer} per customer, English and German); {spec.LinesPerSku * spec.Skus.Count:N0} lines in all");

        var results = new List<SkuRun>();
        for (var run = 1; run <= runs; run++)
        {
            var result = await RunOnceAsync(template, customers, Path.Combine(directory, "sku-run"));
            results.Add(result);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  run {run}: {result.Lines:N0} lines of {result.Customers:N0} customers committed in {result.Commit.TotalSeconds:F2} s; after the commit: " +
                $"first email {result.FirstEmail.TotalSeconds:F2} s, all composed {result.Composed.TotalSeconds:F2} s, " +
                $"all {result.Customers:N0} emails handed to SMTP {result.AllHandedOver.TotalSeconds:F2} s; at most {result.MostUnrecorded:N0} accepted but not yet recorded"));
        }
        return results;
    }

    private static async Task<SkuRun> RunOnceAsync(string template, int customers, string dataDirectory)
    {
        SqliteConnection.ClearAllPools();
        if (Directory.Exists(dataDirectory))
        {
            Directory.Delete(dataDirectory, recursive: true);
        }
        Directory.CreateDirectory(dataDirectory);
        var path = Path.Combine(dataDirectory, "portal.db");
        File.Copy(template, path);
        // Written out now, or the kernel's writeback of the copy competes with the measured work.
        using (var copy = new FileStream(path, FileMode.Open, FileAccess.ReadWrite))
        {
            copy.Flush(flushToDisk: true);
        }

        var counter = new MessageCounter();
        await using var smtp = new LocalSmtpServer(counter.Accept);
        await using var portal = PortalHost.Build(dataDirectory, smtp.Port, new Dictionary<string, string?>
        {
            ["Notifications:CoalesceWindow"] = "00:00:00",
        });
        await portal.StartAsync();
        // The loops' first passes (overdue scan, nothing due) are over before the change.
        await Task.Delay(TimeSpan.FromSeconds(2));

        SkuEtaChange.Result change;
        var started = Stopwatch.GetTimestamp();
        await using (var db = BenchDatabase.Open(path))
        {
            change = await SkuEtaChange.ChangeAsync(db, HotSku, Eta.AddDays(21), "Supplier moved the container to a later vessel");
        }
        var committed = Stopwatch.GetTimestamp();
        // As the write path does after its commit.
        portal.Services.GetRequiredService<OutboxSignal>().Notify();

        TimeSpan? firstEmail = null;
        TimeSpan? composed = null;
        long mostUnrecorded = 0;
        var deadline = TimeSpan.FromMinutes(5);
        while (counter.Messages < change.Customers && Stopwatch.GetElapsedTime(committed) < deadline)
        {
            await Task.Delay(50);
            if (firstEmail is null && counter.Messages > 0)
            {
                firstEmail = Stopwatch.GetElapsedTime(committed);
            }
            // Accepted counted before the database is read, so the difference never overstates.
            var accepted = counter.Messages;
            await using var db = BenchDatabase.Open(path);
            var recorded = await db.Notifications.CountAsync(n => n.Status == NotificationStatus.Sent);
            mostUnrecorded = Math.Max(mostUnrecorded, accepted - recorded);
            if (composed is null && !await db.NotificationOutbox.AnyAsync(e => e.ProcessedAt == null))
            {
                composed = Stopwatch.GetElapsedTime(committed);
            }
        }
        var allHandedOver = Stopwatch.GetElapsedTime(committed, counter.LastArrival);
        await portal.StopAsync();

        await using (var db = BenchDatabase.Open(path))
        {
            var notifications = await db.Notifications.CountAsync();
            var sent = await db.Notifications.CountAsync(n => n.Status == NotificationStatus.Sent);
            if (counter.Messages != change.Customers || notifications != change.Customers || sent != change.Customers)
            {
                throw new InvalidOperationException(
                    $"Expected one email per customer ({change.Customers:N0}): server accepted {counter.Messages:N0}, database has {notifications:N0} notifications, {sent:N0} sent.");
            }
        }
        SqliteConnection.ClearAllPools();
        return new SkuRun(change.Lines, change.Customers, Stopwatch.GetElapsedTime(started, committed),
            firstEmail ?? allHandedOver, composed ?? allHandedOver, allHandedOver, mostUnrecorded);
    }
}
