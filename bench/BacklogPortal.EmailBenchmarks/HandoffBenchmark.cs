using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using BacklogPortal.Bench;
using BacklogPortal.Domain;
using BacklogPortal.Email;
using BacklogPortal.Hosting;
using BacklogPortal.Notifications;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using MimeKit;

namespace BacklogPortal.EmailBenchmarks;

/// <param name="Cpu">Processor time of this whole process (sender, SMTP server, SQLite) during the round.</param>
public sealed record RoundResult(string What, int Emails, TimeSpan HandedOver, TimeSpan Finished, TimeSpan Cpu)
{
    public double EmailsPerSecond => Emails / HandedOver.TotalSeconds;

    public double CpuMicrosecondsPerEmail => Cpu.TotalMilliseconds * 1000 / Emails;
}

/// <summary>
/// SPEC bar "≥ 1,500 emails/s to a local SMTP server over pooled connections": the portal's real
/// dispatcher (claims with a lease, builds each message from its stored row, sends over its pooled
/// MailKit connections, records the outcomes) against a migrated SQLite file with N pending
/// notifications, next to the floor measured in the same run on the same server: a bare MailKit
/// loop sending the same messages over as many reused connections.
/// </summary>
public static class HandoffBenchmark
{
    private const string Sku = "HANDOFF-01";
    private const int Templates = 20;

    /// <param name="warmup">Emails each side sends once before the measured rounds, not counted (0: none).</param>
    public static async Task<(List<RoundResult> Floor, List<RoundResult> Dispatcher)> RunAsync(int emails, int connections, int rounds, string directory, bool profile, bool withFloor = true, int warmup = 0)
    {
        using var commands = new CommandProfile();
        var dataDirectory = Path.Combine(directory, "handoff");
        if (Directory.Exists(dataDirectory))
        {
            Directory.Delete(dataDirectory, recursive: true);
        }
        Directory.CreateDirectory(dataDirectory);
        var path = Path.Combine(dataDirectory, "portal.db");

        var counter = new MessageCounter();
        await using var smtp = new LocalSmtpServer(counter.Accept);
        await using var portal = PortalHost.Build(dataDirectory, smtp.Port, new Dictionary<string, string?>
        {
            ["Notifications:BackgroundProcessing"] = "false",
            ["Notifications:CoalesceWindow"] = "00:00:00",
            ["Notifications:SmtpConnections"] = connections.ToString(CultureInfo.InvariantCulture),
        });

        await PrepareAsync(path, emails, portal.Services.GetRequiredService<NotificationComposer>());
        var settings = portal.Services.GetRequiredService<IOptions<NotificationsOptions>>().Value;
        var from = MailboxAddress.Parse(portal.Services.GetRequiredService<IOptions<EmailOptions>>().Value.From);
        var links = new PortalLinks(portal.Services.GetRequiredService<IOptions<PortalOptions>>().Value.PublicBaseUrl);
        Console.WriteLine($"Hand-off: {emails:N0} pending emails; dispatcher BatchSize {settings.BatchSize}, {settings.SmtpConnections} connections; floor: {connections} connections");

        if (warmup > 0)
        {
            // Both sides once, on a share of the emails, before any clock that counts: the code both run (MailKit, the
            // server, MimeKit's headers) and the code only the dispatcher runs (its claims and records through EF Core
            // and SQLite) are compiled and tiered up before round 1, so round 1 does not charge the dispatcher alone
            // for its first use of the database (the floor reads its rows before its clock).
            warmup = Math.Min(warmup, emails);
            if (withFloor)
            {
                await FloorAsync(path, connections, smtp.Port, counter, from, links, warmup);
            }
            await ResetAsync(path, warmup);
            await DispatcherAsync(portal.Services, path, emails, counter, 0, warmup);
            Console.WriteLine($"  (warm-up: {warmup:N0} emails through each side, not counted)");
        }

        var floor = new List<RoundResult>();
        var dispatched = new List<RoundResult>();
        for (var round = 1; round <= rounds; round++)
        {
            // Without the floor (--no-floor) a CPU profiler attached to this process sees the dispatcher alone.
            var bare = withFloor ? await FloorAsync(path, connections, smtp.Port, counter, from, links) : null;
            if (bare is not null)
            {
                floor.Add(bare);
                Report(round, bare, counter);
            }

            await ResetAsync(path);
            commands.Recording = profile;
            var real = await DispatcherAsync(portal.Services, path, emails, counter, round);
            commands.Recording = false;
            dispatched.Add(real);
            Report(round, real, counter);
            if (bare is not null)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  round {round}: ratio {real.EmailsPerSecond / bare.EmailsPerSecond:F2} of the floor"));
            }
        }
        if (profile)
        {
            commands.Print(emails * rounds);
        }
        return (floor, dispatched);
    }

    private static void Report(int round, RoundResult result, MessageCounter counter) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  round {round}: {result.What,-10} {result.Emails:N0} emails handed over in {result.HandedOver.TotalSeconds:F2} s = {result.EmailsPerSecond:N0}/s " +
            $"(finished after {result.Finished.TotalSeconds:F2} s; CPU {result.CpuMicrosecondsPerEmail:F0} µs per email; server idle {counter.Stalled.TotalSeconds:F2} s in {counter.Stalls} gaps > 10 ms, longest {counter.LongestStall.TotalMilliseconds:F0} ms; {counter.Bytes / Math.Max(1, counter.Messages):N0} bytes per email on the wire)"));

    /// <summary>
    /// Twenty real emails (English and German, two lines each) composed by the portal from a SKU
    /// change, then copied in SQL to <paramref name="emails"/> pending rows, each with an address
    /// and Message-ID of its own.
    /// </summary>
    private static async Task PrepareAsync(string path, int emails, NotificationComposer composer)
    {
        var watch = Stopwatch.StartNew();
        await BenchDatabase.CreateAsync(path, new BenchCustomers(Templates, OrdersPerCustomer: 2, [Sku], new DateOnly(2027, 3, 1)));
        await using (var db = BenchDatabase.Open(path))
        {
            await SkuEtaChange.ChangeAsync(db, Sku, new DateOnly(2027, 3, 22), "Supplier moved the container to a later vessel");
        }
        var composed = await composer.ComposeDueAsync();
        if (composed.Notifications != Templates)
        {
            throw new InvalidOperationException($"Composed {composed.Notifications} template emails, expected {Templates}.");
        }
        await using (var db = BenchDatabase.Open(path))
        {
            var lastTemplate = await db.Notifications.MaxAsync(n => n.Id);
            // Only numbers are spliced into the text.
            var copies = $"""
                WITH RECURSIVE copy(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM copy WHERE i < {emails})
                INSERT INTO "Notifications" ("Id", "CustomerId", "Kind", "ToAddress", "Subject",
                    "Status", "Attempts", "NextAttemptAt", "CreatedAt")
                SELECT {lastTemplate} + copy.i, t."CustomerId", t."Kind", 'reader' || copy.i || '@customers.bench', t."Subject",
                    0, 0, t."NextAttemptAt", t."CreatedAt"
                FROM copy JOIN "Notifications" AS t ON t."Id" = {lastTemplate} - (copy.i % {Templates});
                INSERT INTO "NotificationBodies" ("NotificationId", "HtmlBody", "TextBody", "CalendarIcs", "MimeBody")
                SELECT n."Id", b."HtmlBody", b."TextBody", b."CalendarIcs", b."MimeBody"
                FROM "Notifications" AS n
                JOIN "NotificationBodies" AS b ON b."NotificationId" = {lastTemplate} - ((n."Id" - {lastTemplate}) % {Templates})
                WHERE n."Id" > {lastTemplate};
                DELETE FROM "Notifications" WHERE "Id" <= {lastTemplate};
                UPDATE "Notifications" SET "MessageId" = 'notification-' || "Id" || '@portal.bench.test';
                """;
            await db.Database.ExecuteSqlRawAsync(copies);
            await db.Database.ExecuteSqlRawAsync("PRAGMA wal_checkpoint(TRUNCATE);");
        }
        SqliteConnection.ClearAllPools();
        Console.WriteLine($"Prepared {path}: {emails:N0} pending emails copied from {Templates} composed ones ({watch.Elapsed.TotalSeconds:F1} s)");
    }

    /// <param name="pending">Only the first this many emails pending, the others Sent (the warm-up); all when null.</param>
    private static async Task ResetAsync(string path, int? pending = null)
    {
        await using var db = BenchDatabase.Open(path);
        await db.Notifications.ExecuteUpdateAsync(s => s
            .SetProperty(n => n.Status, NotificationStatus.Pending)
            .SetProperty(n => n.Attempts, 0)
            .SetProperty(n => n.SentAt, (DateTimeOffset?)null)
            .SetProperty(n => n.LastAttemptAt, (DateTimeOffset?)null)
            .SetProperty(n => n.LastError, (string?)null)
            .SetProperty(n => n.LeaseOwner, (string?)null)
            .SetProperty(n => n.LeaseExpiresAt, (DateTimeOffset?)null)
            .SetProperty(n => n.NextAttemptAt, n => n.CreatedAt));
        if (pending is { } count)
        {
            var firstId = await db.Notifications.MinAsync(n => n.Id);
            await db.Notifications.Where(n => n.Id >= firstId + count).ExecuteUpdateAsync(s => s.SetProperty(n => n.Status, NotificationStatus.Sent));
        }
        await db.Database.ExecuteSqlRawAsync("PRAGMA wal_checkpoint(TRUNCATE);");
    }

    /// <summary>
    /// The floor: the same messages (built from the same rows by the portal's own builder, before
    /// the clock starts), sent by plain MailKit loops over as many connections, each connected with
    /// Nagle's algorithm off as the dispatcher connects. No database, no claims, no records.
    /// </summary>
    private static async Task<RoundResult> FloorAsync(string path, int connections, int port, MessageCounter counter, MailboxAddress from, PortalLinks links, int limit = int.MaxValue)
    {
        var messages = new List<MimeMessage>();
        var building = TimeSpan.Zero;
        await using (var db = BenchDatabase.Open(path))
        {
            await foreach (var notification in db.Notifications.AsNoTracking().Include(n => n.Body).OrderBy(n => n.Id).Take(limit).AsAsyncEnumerable())
            {
                var built = Stopwatch.GetTimestamp();
                messages.Add(NotificationMessage.Build(notification, notification.Body!, from, links));
                building += Stopwatch.GetElapsedTime(built);
            }
        }
        SqliteConnection.ClearAllPools();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  (building the {messages.Count:N0} messages for the floor, before its clock: {building.TotalMilliseconds * 1000 / messages.Count:F0} µs each on one thread)"));
        Settle();
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        counter.Reset();
        var next = -1;
        var start = Stopwatch.GetTimestamp();
        await Task.WhenAll(Enumerable.Range(0, connections).Select(_ => Task.Run(async () =>
        {
            using var client = new SmtpClient();
            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            await socket.ConnectAsync("127.0.0.1", port);
            await client.ConnectAsync(socket, "127.0.0.1", port, SecureSocketOptions.None);
            int index;
            while ((index = Interlocked.Increment(ref next)) < messages.Count)
            {
                await client.SendAsync(messages[index]);
            }
            await client.DisconnectAsync(quit: true);
        })));
        var finished = Stopwatch.GetElapsedTime(start);
        cpu = Process.GetCurrentProcess().TotalProcessorTime - cpu;
        Check(counter, messages.Count, "floor");
        return new RoundResult("floor", messages.Count, Stopwatch.GetElapsedTime(start, counter.LastArrival), finished, cpu);
    }

    /// <summary>The portal's dispatcher, rounds back to back as its background loop runs them, until nothing is due.</summary>
    /// <param name="pending">Emails pending at the start (all <paramref name="emails"/> but in the warm-up).</param>
    private static async Task<RoundResult> DispatcherAsync(IServiceProvider services, string path, int emails, MessageCounter counter, int round, int? pending = null)
    {
        counter.Reset();
        await using var dispatcher = ActivatorUtilities.CreateInstance<NotificationDispatcher>(services, $"bench:handoff:{round}");
        Settle();
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var start = Stopwatch.GetTimestamp();
        while ((await dispatcher.DispatchDueAsync()).Claimed > 0)
        {
        }
        var finished = Stopwatch.GetElapsedTime(start);
        cpu = Process.GetCurrentProcess().TotalProcessorTime - cpu;
        Check(counter, pending ?? emails, "dispatcher");
        await using (var db = BenchDatabase.Open(path))
        {
            var sent = await db.Notifications.CountAsync(n => n.Status == NotificationStatus.Sent);
            if (sent != emails)
            {
                throw new InvalidOperationException($"The dispatcher recorded {sent:N0} of {emails:N0} emails as sent.");
            }
        }
        SqliteConnection.ClearAllPools();
        // For a profiler's samples (perf record -k CLOCK_MONOTONIC): on Linux the stopwatch is that clock.
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  (dispatcher round on the monotonic clock: {(double)start / Stopwatch.Frequency:F3} to {(double)Stopwatch.GetTimestamp() / Stopwatch.Frequency:F3} s)"));
        return new RoundResult("dispatcher", pending ?? emails, Stopwatch.GetElapsedTime(start, counter.LastArrival), finished, cpu);
    }

    /// <summary>
    /// A full collection before each clock starts: the floor's 20,000 built messages (about 200 MB) are garbage once
    /// it has sent them, and without this the dispatcher round after it paid for collecting them.
    /// </summary>
    private static void Settle()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
    }

    private static void Check(MessageCounter counter, int expected, string what)
    {
        if (counter.Messages != expected)
        {
            throw new InvalidOperationException($"The {what} handed {counter.Messages:N0} emails to the server, expected {expected:N0}.");
        }
    }
}
