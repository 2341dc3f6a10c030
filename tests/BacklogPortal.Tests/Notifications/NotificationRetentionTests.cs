using BacklogPortal.Domain;
using BacklogPortal.Notifications;
using BacklogPortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace BacklogPortal.Tests.Notifications;

public sealed class NotificationRetentionTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = new(2026, 11, 30, 12, 0, 0, TimeSpan.Zero);
    private TestDatabase database = null!;
    private int customerId;

    public async Task InitializeAsync()
    {
        database = await TestDatabase.CreateAsync();
        customerId = (await new BacklogBuilder(database).CustomerAsync("Retention Ltd")).Id;
    }

    public async Task DisposeAsync() => await database.DisposeAsync();

    [Fact]
    public async Task OldSentBodiesAndHandledOutboxRowsGoInSmallBatchesWhileTheRecordOfEveryEmailStays()
    {
        var oldSent = new List<long>();
        for (var i = 0; i < 5; i++)
        {
            oldSent.Add(await EmailAsync(NotificationStatus.Sent, daysAgo: 100));
        }
        var recentSent = await EmailAsync(NotificationStatus.Sent, daysAgo: 10);
        var oldFailed = await EmailAsync(NotificationStatus.Failed, daysAgo: 100);
        var oldPending = await EmailAsync(NotificationStatus.Pending, daysAgo: 100);
        var oldHandled = await OutboxEntryAsync(createdDaysAgo: 101, processedDaysAgo: 100);
        var recentHandled = await OutboxEntryAsync(createdDaysAgo: 101, processedDaysAgo: 10);
        var stillWaiting = await OutboxEntryAsync(createdDaysAgo: 100, processedDaysAgo: null);

        // Batches of two: five old bodies take three statements, and every one of them goes.
        var result = await Retention(TimeSpan.FromDays(90)).RunAsync(batchSize: 2);

        Assert.Equal(new RetentionResult(Bodies: 5, OutboxEntries: 1), result);
        await using var db = database.CreateDbContext();
        Assert.Equal([recentSent, oldFailed, oldPending], await db.NotificationBodies.OrderBy(b => b.NotificationId).Select(b => b.NotificationId).ToListAsync());
        Assert.Equal(8, await db.Notifications.CountAsync());
        Assert.Equal([recentHandled, stillWaiting], await db.NotificationOutbox.OrderBy(e => e.Id).Select(e => e.Id).ToListAsync());
        Assert.DoesNotContain(oldHandled, await db.NotificationOutbox.Select(e => e.Id).ToListAsync());
        Assert.All(oldSent, id => Assert.True(db.Notifications.Any(n => n.Id == id && n.SentAt != null)));
    }

    [Fact]
    public async Task NothingYoungerThanTheRetentionIsDeleted()
    {
        await EmailAsync(NotificationStatus.Sent, daysAgo: 100);
        await OutboxEntryAsync(createdDaysAgo: 101, processedDaysAgo: 100);

        var result = await Retention(TimeSpan.FromDays(120)).RunAsync();

        Assert.Equal(new RetentionResult(0, 0), result);
        await using var db = database.CreateDbContext();
        Assert.Equal((1, 1), (await db.NotificationBodies.CountAsync(), await db.NotificationOutbox.CountAsync()));
    }

    private NotificationRetention Retention(TimeSpan retention) => new(
        database, Options.Create(new NotificationsOptions { Retention = retention }), new FakeTimeProvider(Now), NullLogger<NotificationRetention>.Instance);

    private async Task<long> EmailAsync(NotificationStatus status, int daysAgo)
    {
        var at = Now.AddDays(-daysAgo);
        await using var db = database.CreateDbContext();
        var notification = new Notification
        {
            CustomerId = customerId,
            Kind = NotificationKind.EtaChanged,
            ToAddress = "buyer@retention.example",
            Subject = "New delivery date",
            Body = new NotificationBody { HtmlBody = "<p>New date</p>", TextBody = "New date" },
            Status = status,
            CreatedAt = at,
            NextAttemptAt = at,
            LastAttemptAt = status == NotificationStatus.Pending ? null : at,
            SentAt = status == NotificationStatus.Sent ? at : null,
        };
        db.Notifications.Add(notification);
        await db.SaveChangesAsync();
        return notification.Id;
    }

    private async Task<long> OutboxEntryAsync(int createdDaysAgo, int? processedDaysAgo)
    {
        await using var db = database.CreateDbContext();
        var entry = new NotificationOutboxEntry
        {
            CustomerId = customerId,
            Kind = NotificationKind.EtaChanged,
            CreatedAt = Now.AddDays(-createdDaysAgo),
            ProcessedAt = processedDaysAgo is { } days ? Now.AddDays(-days) : null,
        };
        db.NotificationOutbox.Add(entry);
        await db.SaveChangesAsync();
        return entry.Id;
    }
}
