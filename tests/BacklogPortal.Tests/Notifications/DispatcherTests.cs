using BacklogPortal.Domain;
using BacklogPortal.Notifications;
using BacklogPortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace BacklogPortal.Tests.Notifications;

public sealed class DispatcherTests(NotificationAppFactory factory) : IClassFixture<NotificationAppFactory>
{
    [Fact]
    public async Task TwoDispatchersOnOneDatabaseDeliverEveryMessageExactlyOnce()
    {
        const int count = 300;
        var customer = await factory.CreateCustomerAsync(lines: 1);
        var tag = Guid.NewGuid().ToString("n")[..8];
        await using (var db = await factory.CreateDbContextAsync())
        {
            var now = factory.Clock.GetUtcNow();
            var links = new PortalLinks("https://portal.example.com");
            for (var i = 0; i < count; i++)
            {
                db.Notifications.Add(new Notification
                {
                    CustomerId = customer.Id,
                    Kind = NotificationKind.EtaChanged,
                    ToAddress = $"load-{tag}-{i}@customer.example",
                    Subject = $"New delivery date for order {i}",
                    Body = new NotificationBody { HtmlBody = $"<p>Message {i}</p>", TextBody = $"Message {i}" },
                    CreatedAt = now,
                    NextAttemptAt = now,
                });
            }
            await db.SaveChangesAsync();
        }

        // Small rounds so that the two interleave many times.
        var settings = factory.NotificationSettings;
        var small = Options.Create(new NotificationsOptions { BatchSize = 15, SmtpConnections = 3, LeaseDuration = settings.LeaseDuration });
        await using var first = ActivatorUtilities.CreateInstance<NotificationDispatcher>(factory.Services, small, "dispatcher-a");
        await using var second = ActivatorUtilities.CreateInstance<NotificationDispatcher>(factory.Services, small, "dispatcher-b");
        // One round each first, so both surely hold claims (SQLite's busy handler is not fair, and a
        // starved dispatcher could otherwise find the work done), then both at once until nothing is due.
        var firstWarmUp = (await first.DispatchDueAsync()).Sent;
        var secondWarmUp = (await second.DispatchDueAsync()).Sent;
        var drained = await Task.WhenAll(DrainAsync(first), DrainAsync(second));
        var (sentByFirst, sentBySecond) = (firstWarmUp + drained[0], secondWarmUp + drained[1]);

        // Both took part: each sent a round of its own, and together they sent every message once.
        Assert.True(sentByFirst >= small.Value.BatchSize, $"dispatcher-a sent {sentByFirst}");
        Assert.True(sentBySecond >= small.Value.BatchSize, $"dispatcher-b sent {sentBySecond}");
        Assert.Equal(count, sentByFirst + sentBySecond);
        var attempts = factory.Smtp.Attempts.Where(a => a.To.Any(t => t.StartsWith($"load-{tag}-", StringComparison.Ordinal))).ToList();
        Assert.Equal(count, attempts.Count);
        Assert.Equal(count, attempts.Select(a => a.MessageId).Distinct().Count());
        await using (var db = await factory.CreateDbContextAsync())
        {
            var statuses = await db.Notifications.Where(n => n.ToAddress.StartsWith($"load-{tag}-")).Select(n => new { n.Status, n.Attempts }).ToListAsync();
            Assert.Equal(count, statuses.Count);
            Assert.All(statuses, s => Assert.Equal((NotificationStatus.Sent, 1), (s.Status, s.Attempts)));
        }
    }

    [Fact]
    public async Task AnUnreachableServerGivesTheRoundBackWithoutCountingAnAttempt()
    {
        var customer = await factory.CreateCustomerAsync(lines: 1);
        await factory.ChangeEtaAsync(customer.Lines[0].Id, customer.Lines[0].Eta!.Value.AddDays(3));
        factory.PassCoalesceWindow();
        await factory.Composer.ComposeDueAsync();

        var email = Options.Create(new BacklogPortal.Email.EmailOptions
        {
            Smtp = new BacklogPortal.Email.SmtpOptions { Host = "127.0.0.1", Port = TestSmtpServer.FreeTcpPort(), Security = BacklogPortal.Email.SmtpSecurity.None, Timeout = TimeSpan.FromSeconds(5) },
        });
        var connections = ActivatorUtilities.CreateInstance<BacklogPortal.Email.MailConnectionFactory>(factory.Services, email);
        await using var dispatcher = ActivatorUtilities.CreateInstance<NotificationDispatcher>(factory.Services, connections, email, "dispatcher-offline");

        var result = await dispatcher.DispatchDueAsync();

        Assert.True(result.ServerUnavailable);
        Assert.Equal(0, result.Sent);
        var waiting = Assert.Single(await factory.NotificationsForAsync(customer.Id));
        Assert.Equal(NotificationStatus.Pending, waiting.Status);
        Assert.Equal(0, waiting.Attempts);
        Assert.Null(waiting.LeaseOwner);
        Assert.Contains("unavailable", waiting.LastError);

        // The real server is back: the same email goes out.
        await factory.Dispatcher.DispatchDueAsync();
        Assert.Single(factory.Smtp.MessagesTo(customer.Email));
    }

    [Fact]
    public async Task WhileTheDatabaseCannotRecordAcceptedEmailsSendingStopsAfterOneSmallGroup()
    {
        const int count = 150;
        var customer = await factory.CreateCustomerAsync(lines: 1);
        var tag = Guid.NewGuid().ToString("n")[..8];
        string connectionString;
        await using (var db = await factory.CreateDbContextAsync())
        {
            connectionString = db.Database.GetConnectionString()!;
            var now = factory.Clock.GetUtcNow();
            for (var i = 0; i < count; i++)
            {
                db.Notifications.Add(new Notification
                {
                    CustomerId = customer.Id,
                    Kind = NotificationKind.EtaChanged,
                    ToAddress = $"group-{tag}-{i}@customer.example",
                    Subject = $"New delivery date for order {i}",
                    Body = new NotificationBody { HtmlBody = $"<p>Message {i}</p>", TextBody = $"Message {i}" },
                    CreatedAt = now,
                    NextAttemptAt = now,
                });
            }
            await db.SaveChangesAsync();
        }
        int Accepted() => factory.Smtp.Attempts.Count(a => a.To.Any(t => t.StartsWith($"group-{tag}-", StringComparison.Ordinal)));

        // Another writer takes SQLite's write lock as the first email arrives (after the claim), as a long
        // composer transaction would, and keeps it until the test lets go.
        // Not pooled: a connection left inside its transaction by a failed run must not reach the next test.
        using var blocker = new Microsoft.Data.Sqlite.SqliteConnection(new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(connectionString) { Pooling = false }.ToString());
        var locked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var gate = new object();
        factory.Smtp.Fault = message =>
        {
            if (!message.To.Mailboxes.Any(m => m.Address.StartsWith($"group-{tag}-", StringComparison.Ordinal)))
            {
                return null;
            }
            // The four connections' first emails arrive at the same moment. Each waits here until the lock is
            // held, so no email is accepted (and no outcome committed) before it; only the first takes it. (Taken
            // unguarded, two threads opened the one connection at once and their emails failed.)
            lock (gate)
            {
                if (!locked.Task.IsCompleted)
                {
                    blocker.Open();
                    using var begin = blocker.CreateCommand();
                    begin.CommandText = "BEGIN IMMEDIATE;";
                    begin.ExecuteNonQuery();
                    locked.SetResult();
                }
            }
            return null;
        };
        var dispatcher = factory.Dispatcher;
        var connections = factory.NotificationSettings.SmtpConnections;
        try
        {
            var dispatching = Task.Run(() => dispatcher.DispatchDueAsync());
            await locked.Task.WaitAsync(TimeSpan.FromSeconds(60));
            // Sending has stopped when every connection holds an email and waits for a send slot: then nothing
            // is on the wire and the count below is final. (Without the slots they never all wait, and the
            // remaining 114 emails arrive.) The timeout only bounds a failing run.
            using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60)))
            {
                while (dispatcher.SendersWaitingForRecords < connections)
                {
                    Assert.False(timeout.IsCancellationRequested,
                        $"Sending did not stop: {Accepted()} accepted, {dispatcher.SendersWaitingForRecords} of {connections} connections waiting.");
                    await Task.Delay(10, CancellationToken.None);
                }
            }
            Assert.Equal(OutcomeRecorder.SendSlots(connections), Accepted());

            using (var commit = blocker.CreateCommand())
            {
                commit.CommandText = "COMMIT;";
                commit.ExecuteNonQuery();
            }
            var result = await dispatching.WaitAsync(TimeSpan.FromSeconds(60));
            Assert.Equal(0, dispatcher.SendersWaitingForRecords);
            Assert.Equal(count, result.Sent);
            Assert.Equal(count, Accepted());
        }
        finally
        {
            factory.Smtp.Fault = null;
            if (locked.Task.IsCompleted && blocker.State == System.Data.ConnectionState.Open)
            {
                using var rollback = blocker.CreateCommand();
                rollback.CommandText = "ROLLBACK;";
                try
                {
                    rollback.ExecuteNonQuery();
                }
                catch (Microsoft.Data.Sqlite.SqliteException)
                {
                    // Committed already.
                }
            }
        }
    }

    private static async Task<int> DrainAsync(NotificationDispatcher dispatcher)
    {
        var sent = 0;
        while (await dispatcher.DispatchDueAsync() is { Claimed: > 0 } result)
        {
            sent += result.Sent;
        }
        return sent;
    }
}
