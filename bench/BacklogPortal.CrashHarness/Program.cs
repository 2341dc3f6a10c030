using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using static System.FormattableString;
using BacklogPortal.Bench;
using BacklogPortal.CrashHarness;
using BacklogPortal.Domain;

// Crash harness (SPEC quality bar "crash safety"): the real portal as a separate process sends
// ETA-change emails to an SMTP server in this process, and is killed (SIGKILL, whole process tree)
// at random moments during dispatch, then restarted, many times; at the end it runs to completion
// and is stopped cleanly. The server's ledger is then checked against the database: nothing lost,
// and every duplicate is a message the server accepted just before a kill and the dead process
// never recorded as sent.
//
//   dotnet run -c Release --project bench/BacklogPortal.CrashHarness -- [--customers 2000] [--kills 50] [--seed N]
//       [--startup-kills 3] [--early-share 0.2] [--lease 00:00:02] [--dir artifacts/crash]  (all options: HarnessOptions.cs)
//
// Exit code 0: no loss, no unexplained duplicate, every check held; 1: a check failed; 2: bad setup.
var options = HarnessOptions.Parse(args);
if (!File.Exists(options.App))
{
    Console.Error.WriteLine($"The portal is not built at {options.App}. Run from the repository root: dotnet build -c Release BacklogPortal.csproj (or pass --app).");
    return 2;
}
Directory.CreateDirectory(options.Directory);
var dataDirectory = Path.Combine(options.Directory, "data");
if (Directory.Exists(dataDirectory))
{
    Directory.Delete(dataDirectory, recursive: true);
}
Directory.CreateDirectory(dataDirectory);

Console.WriteLine($"Machine: {Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}, {RuntimeInformation.FrameworkDescription}");
Console.WriteLine($"Portal: {options.App}");
Console.WriteLine($"Seed {options.Seed}; {options.Customers:N0} customers; ≥ {options.Kills} kills during dispatch, delay {options.MinDelayMs}–{options.MaxDelayMs} ms " +
    $"after the first arrival ({1 - options.EarlyKillShare:P0} of lives) or after start; lease {options.Lease}, poll {options.PollInterval}; " +
    $"a duplicate's first copy must be accepted ≤ {options.MaxDuplicateGapMs} ms before its kill");

var database = new CrashDatabase(Path.Combine(dataDirectory, "portal.db"));
var prepare = Stopwatch.StartNew();
await database.CreateAsync(options.Customers);
var firstWave = await database.WriteWaveAsync();
Console.WriteLine($"Prepared {database.Path}: {options.Customers:N0} customers, wave 1 moved {firstWave:N0} lines ({prepare.Elapsed.TotalSeconds:F1} s)");

using var ledger = new Ledger(Path.Combine(options.Directory, "ledger.csv"));
using var appLog = new AppLog(Path.Combine(options.Directory, "app.log"));
await using var smtp = new LocalSmtpServer(ledger.Accept);
using var killLog = new StreamWriter(Path.Combine(options.Directory, "kills.csv")) { AutoFlush = true };
killLog.WriteLine("kill,life,mode,started_utc,first_arrival_utc,delay_ms,signalled_utc,dead_utc,accepted_before_kill,accepted_in_life,unrecorded_new,leased,waiting,customers_waiting,left_migration_lock");

var environment = new Dictionary<string, string>
{
    ["ASPNETCORE_ENVIRONMENT"] = "Production",
    ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{FreeTcpPort()}",
    ["Portal__DataDirectory"] = dataDirectory,
    ["Portal__PublicBaseUrl"] = "https://portal.crash.test",
    ["Demo__Seed"] = "false",
    ["Email__Smtp__Host"] = "127.0.0.1",
    ["Email__Smtp__Port"] = smtp.Port.ToString(CultureInfo.InvariantCulture),
    ["Email__Smtp__Security"] = "None",
    ["Notifications__CoalesceWindow"] = "00:00:00",
    ["Notifications__LeaseDuration"] = options.Lease.ToString("c", CultureInfo.InvariantCulture),
    // The portal refuses a lease shorter than two SMTP timeouts; the harness's server answers at once.
    ["Email__Smtp__Timeout"] = (options.Lease / 2).ToString("c", CultureInfo.InvariantCulture),
    ["Notifications__PollInterval"] = options.PollInterval.ToString("c", CultureInfo.InvariantCulture),
    ["Logging__Console__FormatterName"] = "simple",
    ["Logging__Console__FormatterOptions__SingleLine"] = "true",
    ["Logging__Console__FormatterOptions__TimestampFormat"] = "HH:mm:ss.fff ",
    ["Logging__Console__FormatterOptions__UseUtcTimestamp"] = "true",
};

var random = new Random(options.Seed);
var kills = new List<Kill>();
var problems = new List<string>();
var wedgedStarts = new List<int>();
var unrecordedEver = new HashSet<string>(StringComparer.Ordinal);
var life = 0;
var mainLives = 0;
var run = Stopwatch.StartNew();

// Start-up kills: SIGKILL a few milliseconds after EF Core announces its migration lock. SQLite
// keeps that lock as a row in __EFMigrationsLock; a row left behind makes the next start wait.
const string AcquiringMigrationLock = "Acquiring an exclusive lock for migration application";
var startupKillsLeavingLock = 0;
for (var attempt = 1; attempt <= options.StartupKills; attempt++)
{
    life++;
    ledger.Life = life;
    var announced = appLog.WatchFor(life, AcquiringMigrationLock);
    // The portal takes EF's lock only when a migration is pending; on an up-to-date database it
    // goes straight on, and there is no lock for a kill to leave behind.
    var skipped = appLog.WatchFor(life, "Database is up to date");
    using (var app = AppProcess.Start(options.App, environment, appLog, life))
    {
        var first = await Task.WhenAny(announced, skipped, Task.Delay(TimeSpan.FromSeconds(30)));
        if (first == skipped)
        {
            await app.KillAsync();
            Console.WriteLine($"  start-up kill {attempt} (life {life}): nothing to migrate, so no migration lock was taken");
            continue;
        }
        if (first != announced)
        {
            problems.Add($"Life {life}: the portal never reached its migration step (see app.log).");
            await app.KillAsync();
            break;
        }
        await Task.Delay(random.Next(0, 40));
        await app.KillAsync();
        appLog.Write(life, "---- harness: SIGKILL during the migration step");
    }
    await smtp.WaitUntilNoSessionsAsync(TimeSpan.FromSeconds(10));
    if (await database.MigrationLockRowsAsync() == 0)
    {
        Console.WriteLine($"  start-up kill {attempt} (life {life}): no migration lock left behind");
        continue;
    }
    startupKillsLeavingLock++;
    life++;
    ledger.Life = life;
    var upToDate = appLog.WatchFor(life, "Database is up to date");
    using (var restarted = AppProcess.Start(options.App, environment, appLog, life))
    {
        var cameUp = await Task.WhenAny(upToDate, Task.Delay(options.StartupTimeout)) == upToDate;
        await restarted.KillAsync();
        appLog.Write(life, cameUp ? "---- harness: SIGKILL after the restart came up" : "---- harness: SIGKILL of the restart waiting for the migration lock");
        if (!cameUp)
        {
            wedgedStarts.Add(life);
        }
        Console.WriteLine($"  start-up kill {attempt} (life {life - 1}): migration lock left behind; the restart (life {life}) " +
            (cameUp ? "came up anyway" : $"did not get past the migration step in {options.StartupTimeout.TotalSeconds:F0} s") + "; harness deletes the lock row");
    }
    await database.ClearMigrationLockAsync();
}
while (kills.Count(k => k.DuringDispatch) < options.Kills && mainLives < options.Kills * 4 && problems.Count == 0)
{
    mainLives++;
    life++;
    ledger.Life = life;
    long before = ledger.Count;
    var lockedBefore = await database.MigrationLockRowsAsync() > 0;
    using var app = AppProcess.Start(options.App, environment, appLog, life);
    var early = random.NextDouble() < options.EarlyKillShare;
    var delay = TimeSpan.FromMilliseconds(random.Next(options.MinDelayMs, options.MaxDelayMs + 1));
    var mode = early ? "after start" : "after first arrival";
    if (!early && await WaitForArrivalAsync(ledger, before, app, options.ArrivalTimeout) is null)
    {
        if (app.HasExited)
        {
            problems.Add($"Life {life}: the portal exited by itself before sending anything (see app.log).");
            break;
        }
        if (await database.MigrationLockRowsAsync() > 0)
        {
            // Confirmed: the previous kill left EF Core's migration lock behind and this start waits for it for ever.
            wedgedStarts.Add(life);
            Console.WriteLine($"  life {life}: no email in {options.ArrivalTimeout.TotalSeconds:F0} s — start-up waits for the migration lock the killed life left behind; harness deletes the lock row");
            await database.ClearMigrationLockAsync();
        }
        else if ((await database.ReadStateAsync()).WorkLeft > 0)
        {
            problems.Add($"Life {life}: no email arrived within {options.ArrivalTimeout.TotalSeconds:F0} s although work was waiting (see app.log).");
        }
        mode = "stuck";
        delay = TimeSpan.Zero;
    }
    await Task.Delay(delay);
    if (app.HasExited)
    {
        problems.Add($"Life {life}: the portal exited by itself (see app.log).");
        break;
    }
    var acceptedBeforeKill = ledger.CountAfter(before);
    var (signalled, dead) = await app.KillAsync();
    appLog.Write(life, "---- harness: SIGKILL");
    // A message the dead process had already written to the socket is still read and accepted.
    if (!await smtp.WaitUntilNoSessionsAsync(TimeSpan.FromSeconds(10)))
    {
        problems.Add($"Life {life}: SMTP sessions of the killed process were still open 10 s after its death.");
    }
    var state = await database.ReadStateAsync();
    var acceptedIds = ledger.Snapshot().Select(a => a.MessageId).ToHashSet(StringComparer.Ordinal);
    var unrecorded = acceptedIds.Where(id => state.ByMessageId.TryGetValue(id, out var row) && row.Status != NotificationStatus.Sent).ToHashSet(StringComparer.Ordinal);
    var newlyUnrecorded = unrecorded.Count(unrecordedEver.Add);
    // Only a lock this life took counts; an earlier one may still be there when this life was killed early while waiting for it.
    var leftLock = !lockedBefore && await database.MigrationLockRowsAsync() > 0;
    var kill = new Kill(kills.Count + 1, life, mode, app.StartedAt, ledger.FirstAfter(before), delay, signalled, dead,
        acceptedBeforeKill, ledger.CountAfter(before), unrecorded, newlyUnrecorded, state.Leased, state.Waiting, state.CustomersWaiting, leftLock);
    kills.Add(kill);
    var firstArrival = kill.FirstArrival is { } first ? Utc(first) : "";
    killLog.WriteLine(Invariant(
        $"{kill.Number},{kill.Life},{kill.Mode},{Utc(kill.StartedAt)},{firstArrival},{(int)kill.Delay.TotalMilliseconds},{Utc(kill.Signalled)},{Utc(kill.Dead)},{kill.AcceptedBeforeKill},{kill.AcceptedInLife},{kill.NewlyUnrecorded},{kill.Leased},{kill.Waiting},{kill.CustomersWaiting},{kill.LeftMigrationLock}"));
    var lockNote = leftLock ? "; MIGRATION LOCK LEFT BEHIND" : "";
    Console.WriteLine(Invariant(
        $"  kill {kill.Number,3} (life {life,3}, {mode,-19} +{delay.TotalMilliseconds,5:F0} ms): {kill.AcceptedInLife,5} accepted in this life, {newlyUnrecorded} accepted but unrecorded, {state.Leased} claims left to take over, {state.Waiting} emails + {state.CustomersWaiting} customers waiting{lockNote}"));

    if (state.WorkLeft < options.Customers / 2 && kills.Count(k => k.DuringDispatch) < options.Kills)
    {
        var lines = await database.WriteWaveAsync();
        Console.WriteLine($"  wave {database.Waves}: {lines:N0} lines moved while the portal is down");
    }
}

// The last life runs until everything is sent, then stops the way a service manager stops it.
life++;
ledger.Life = life;
Console.WriteLine($"Final life {life}: running to completion");
int? exitCode = null;
using (var last = AppProcess.Start(options.App, environment, appLog, life))
{
    var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(10);
    DatabaseState state;
    while (true)
    {
        await Task.Delay(500);
        state = await database.ReadStateAsync();
        if ((state.WorkLeft == 0 && state.Notifications > 0) || last.HasExited || DateTime.UtcNow > deadline)
        {
            break;
        }
    }
    if (state.WorkLeft > 0)
    {
        problems.Add($"The final life did not finish: {state.Waiting} emails and {state.CustomersWaiting} customers still waiting.");
    }
    // Quiet time: anything still on its way would show up as an unexplained duplicate.
    await Task.Delay(TimeSpan.FromSeconds(2));
    if (!last.HasExited)
    {
        exitCode = await last.StopAsync(TimeSpan.FromSeconds(30));
    }
    appLog.Write(life, $"---- harness: stopped, exit code {exitCode?.ToString(CultureInfo.InvariantCulture) ?? "none (killed)"}");
}
await smtp.WaitUntilNoSessionsAsync(TimeSpan.FromSeconds(10));
run.Stop();

// The verdict.
var acceptances = ledger.Snapshot();
var final = await database.ReadStateAsync();
var audit = await database.AuditOutboxAsync();
var copies = acceptances.GroupBy(a => a.MessageId, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.OrderBy(a => a.Sequence).ToList(), StringComparer.Ordinal);
var lost = final.ByMessageId.Keys.Where(id => !copies.ContainsKey(id)).ToList();
var unknown = copies.Keys.Where(id => !final.ByMessageId.ContainsKey(id)).ToList();
var killsByLife = kills.ToDictionary(k => k.Life);
var explained = new List<(string MessageId, double GapMs, Kill Kill)>();
var unexplained = new List<string>();
foreach (var (messageId, sent) in copies.Where(c => c.Value.Count > 1))
{
    for (var i = 0; i < sent.Count - 1; i++)
    {
        var copy = sent[i];
        if (!killsByLife.TryGetValue(copy.Life, out var kill))
        {
            unexplained.Add($"{messageId}: copy {i + 1} accepted at {Utc(copy.At)} in life {copy.Life}, which was not killed");
        }
        else if (!kill.Unrecorded.Contains(messageId))
        {
            unexplained.Add($"{messageId}: copy {i + 1} accepted in life {copy.Life}, but the database recorded it as sent before kill {kill.Number}");
        }
        else if (sent[i + 1].Life <= copy.Life)
        {
            unexplained.Add($"{messageId}: copies {i + 1} and {i + 2} both accepted in life {copy.Life}");
        }
        else if ((kill.Signalled - copy.At).TotalMilliseconds > options.MaxDuplicateGapMs)
        {
            unexplained.Add($"{messageId}: copy {i + 1} accepted {(kill.Signalled - copy.At).TotalMilliseconds:F0} ms before kill {kill.Number} (more than {options.MaxDuplicateGapMs} ms)");
        }
        else
        {
            explained.Add((messageId, (kill.Signalled - copy.At).TotalMilliseconds, kill));
        }
    }
}
var sentAfterKill = explained.Count(e => final.ByMessageId[e.MessageId].SentAt > e.Kill.Dead);

Console.WriteLine();
Console.WriteLine("==== Crash harness report ====");
var dispatchKills = kills.Count(k => k.DuringDispatch);
Console.WriteLine($"Duration {run.Elapsed:mm\\:ss}; {life} lives; {kills.Count} kills, {dispatchKills} of them during dispatch " +
    $"({kills.Count(k => k.Mode == "after first arrival")} after the first arrival, {kills.Count(k => k.Mode == "after start")} after start, {kills.Count(k => k.Mode == "stuck")} stuck)");
Console.WriteLine($"Database: {audit.Customers:N0} customers, {database.Waves} waves, {audit.EtaChanges:N0} ETA changes, {audit.Entries:N0} outbox entries → {final.Notifications:N0} emails " +
    $"({string.Join(", ", audit.Statuses.OrderBy(s => s.Key).Select(s => $"{s.Value:N0} {s.Key}"))})");
Console.WriteLine($"Ledger: {acceptances.Count:N0} acceptances of {copies.Count:N0} Message-IDs");
Console.WriteLine($"Lost (an email never accepted): {lost.Count}; not Sent in the database: {final.Notifications - audit.Count(NotificationStatus.Sent)}; " +
    $"unknown Message-IDs: {unknown.Count}");
Console.WriteLine($"Outbox: {audit.Unprocessed} unprocessed, {audit.ProcessedWithoutEmail} processed without an email, {audit.NotificationsWithoutEntries} emails without entries (composed twice), " +
    $"{audit.EntriesInAnotherCustomersEmail} in another customer's email, {audit.StillLeased} emails still leased");
Console.WriteLine($"Duplicates: {explained.Count + unexplained.Count} ({explained.Count} explained, {unexplained.Count} unexplained); " +
    $"{kills.Sum(k => k.NewlyUnrecorded)} emails were accepted-but-unrecorded at a kill");
if (explained.Count > 0)
{
    var gaps = explained.Select(e => e.GapMs).Order().ToList();
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"  first copy accepted {gaps[0]:F1} to {gaps[^1]:F1} ms before the SIGKILL (median {gaps[gaps.Count / 2]:F1} ms; negative: read by the server after the signal), " +
        $"in {explained.Select(e => e.Kill.Number).Distinct().Count()} of {kills.Count} kills; " +
        $"not Sent in the database after the kill: {explained.Count}; SentAt after the process's death: {sentAfterKill}"));
    foreach (var (messageId, gap, kill) in explained.Take(10))
    {
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  {messageId}: accepted {gap:F1} ms before kill {kill.Number} (life {kill.Life}); recorded Sent at {Utc(final.ByMessageId[messageId].SentAt!.Value)} by a later life"));
    }
}
foreach (var line in unexplained.Take(20))
{
    Console.WriteLine($"  UNEXPLAINED {line}");
}
var dispatching = kills.Where(k => k.DuringDispatch).ToList();
if (dispatching.Count > 0)
{
    Console.WriteLine($"Per kill during dispatch: accepted in the life {Spread(dispatching.Select(k => k.AcceptedInLife))}; " +
        $"claims left to take over {Spread(dispatching.Select(k => k.Leased))}; accepted-but-unrecorded {Spread(dispatching.Select(k => k.NewlyUnrecorded))}");
}
var leftLocks = kills.Count(k => k.LeftMigrationLock);
Console.WriteLine($"Start-up kills aimed at the migration step: {options.StartupKills}, {startupKillsLeavingLock} left EF Core's migration lock behind; " +
    $"random kills that left it: {leftLocks}; restarts that then waited for it: {wedgedStarts.Count}" +
    (wedgedStarts.Count > 0 ? $" (lives {string.Join(", ", wedgedStarts)})" : ""));
var errors = appLog.Errors;
Console.WriteLine($"Errors logged by the portal: {errors.Values.Sum()} in {errors.Count} lives; clean stop exit code: {exitCode?.ToString(CultureInfo.InvariantCulture) ?? "none"}");
Console.WriteLine($"Files: {options.Directory}/ledger.csv, kills.csv, app.log");

if (dispatchKills < options.Kills)
{
    problems.Add($"Only {dispatchKills} kills landed during dispatch (wanted {options.Kills}).");
}
if (lost.Count > 0)
{
    problems.Add($"{lost.Count} emails were never accepted, e.g. {string.Join(", ", lost.Take(5))}.");
}
if (final.Notifications != audit.Count(NotificationStatus.Sent))
{
    problems.Add($"{final.Notifications - audit.Count(NotificationStatus.Sent)} notifications are not Sent.");
}
if (unknown.Count > 0)
{
    problems.Add($"{unknown.Count} accepted Message-IDs belong to no notification, e.g. {string.Join(", ", unknown.Take(5))}.");
}
if (audit.Unprocessed > 0 || audit.ProcessedWithoutEmail > 0 || audit.NotificationsWithoutEntries > 0 || audit.EntriesInAnotherCustomersEmail > 0)
{
    problems.Add("The outbox does not add up (see the Outbox line).");
}
if (unexplained.Count > 0)
{
    problems.Add($"{unexplained.Count} unexplained duplicates.");
}
if (exitCode != 0)
{
    problems.Add($"The clean stop ended with exit code {exitCode?.ToString(CultureInfo.InvariantCulture) ?? "none (had to be killed)"}.");
}
if (errors.Count > 0)
{
    // A delivery outcome that could not be recorded is logged as an error: it would pass for a kill's duplicate otherwise.
    problems.Add($"The portal logged {errors.Values.Sum()} errors (lives {string.Join(", ", errors.Keys.Order())}; see app.log).");
}
if (wedgedStarts.Count > 0)
{
    problems.Add($"{wedgedStarts.Count} restarts hung on the EF Core migration lock a kill left behind (SQLite keeps it as a row); the portal needed a manual DELETE to start.");
}
Console.WriteLine(problems.Count == 0 ? "PASS: 0 lost, every duplicate explained by a kill between acceptance and record." : "FAIL:");
foreach (var problem in problems)
{
    Console.WriteLine($"  {problem}");
}
return problems.Count == 0 ? 0 : 1;

static async Task<DateTimeOffset?> WaitForArrivalAsync(Ledger ledger, long before, AppProcess app, TimeSpan timeout)
{
    var deadline = DateTime.UtcNow + timeout;
    while (DateTime.UtcNow < deadline && !app.HasExited)
    {
        if (ledger.FirstAfter(before) is { } first)
        {
            return first;
        }
        await Task.Delay(5);
    }
    return null;
}

static string Utc(DateTimeOffset instant) => instant.UtcDateTime.ToString("HH:mm:ss.fff", CultureInfo.InvariantCulture);

static string Spread(IEnumerable<int> values)
{
    var sorted = values.Order().ToList();
    return $"min {sorted[0]}, median {sorted[sorted.Count / 2]}, max {sorted[^1]}";
}

static int FreeTcpPort()
{
    using var listener = new TcpListener(IPAddress.Loopback, 0);
    listener.Start();
    return ((IPEndPoint)listener.LocalEndpoint).Port;
}
