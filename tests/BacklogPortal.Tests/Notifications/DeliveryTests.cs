using BacklogPortal.Domain;
using BacklogPortal.Tests.Infrastructure;

namespace BacklogPortal.Tests.Notifications;

public sealed class DeliveryTests(NotificationAppFactory factory) : IClassFixture<NotificationAppFactory>
{
    [Theory]
    [InlineData(421)]
    [InlineData(451)]
    [InlineData(454)]
    public async Task ATransientReplyIsRetriedAfterABackoffAndDeliveredOnce(int code)
    {
        var customer = await ComposedNotificationAsync();
        factory.Smtp.Script(customer.Email, SmtpFault.Reply(code, "Try again later"));

        await factory.Dispatcher.DispatchDueAsync();

        var retrying = Assert.Single(await factory.NotificationsForAsync(customer.Id));
        Assert.Equal(NotificationStatus.Retrying, retrying.Status);
        Assert.Equal(1, retrying.Attempts);
        Assert.Contains(code.ToString(System.Globalization.CultureInfo.InvariantCulture), retrying.LastError);
        Assert.True(retrying.NextAttemptAt > factory.Clock.GetUtcNow(), "the retry waits for its backoff");
        Assert.Null(retrying.LeaseOwner);
        Assert.Empty(factory.Smtp.MessagesTo(customer.Email));

        // Before the backoff has passed nothing is sent again.
        await factory.Dispatcher.DispatchDueAsync();
        Assert.Single(factory.Smtp.Attempts, a => a.To.Contains(customer.Email));

        factory.Clock.Advance(retrying.NextAttemptAt - factory.Clock.GetUtcNow());
        await factory.Dispatcher.DispatchDueAsync();
        await factory.Dispatcher.DispatchDueAsync();

        var delivered = Assert.Single(factory.Smtp.MessagesTo(customer.Email));
        Assert.Equal(retrying.MessageId, delivered.MessageId);
        var sent = Assert.Single(await factory.NotificationsForAsync(customer.Id));
        Assert.Equal(NotificationStatus.Sent, sent.Status);
        Assert.Equal(2, sent.Attempts);
        Assert.Null(sent.LastError);
        Assert.NotNull(sent.SentAt);
    }

    [Fact]
    public async Task APermanentRejectionFailsAtOnceWithoutRetry()
    {
        var customer = await ComposedNotificationAsync();
        factory.Smtp.Script(customer.Email, SmtpFault.Reply(550, "Mailbox unavailable"));

        await factory.Dispatcher.DispatchDueAsync();
        factory.Clock.Advance(TimeSpan.FromDays(2));
        await factory.Dispatcher.DispatchDueAsync();

        var failed = Assert.Single(await factory.NotificationsForAsync(customer.Id));
        Assert.Equal(NotificationStatus.Failed, failed.Status);
        Assert.Equal(1, failed.Attempts);
        Assert.Contains("550", failed.LastError);
        Assert.Contains("Mailbox unavailable", failed.LastError);
        Assert.Single(factory.Smtp.Attempts, a => a.To.Contains(customer.Email));
    }

    [Fact]
    public async Task AConnectionDroppedAfterDataIsRetriedWithTheSameMessageId()
    {
        var customer = await ComposedNotificationAsync();
        factory.Smtp.Script(customer.Email, SmtpFault.DropConnectionAfterData);

        await factory.Dispatcher.DispatchDueAsync();
        var retrying = Assert.Single(await factory.NotificationsForAsync(customer.Id));
        Assert.Equal(NotificationStatus.Retrying, retrying.Status);

        factory.Clock.Advance(retrying.NextAttemptAt - factory.Clock.GetUtcNow());
        await factory.Dispatcher.DispatchDueAsync();

        var attempts = factory.Smtp.Attempts.Where(a => a.To.Contains(customer.Email)).ToList();
        Assert.Equal(["dropped", "accepted"], attempts.Select(a => a.Outcome));
        Assert.Equal(retrying.MessageId, attempts[0].MessageId);
        Assert.Equal(retrying.MessageId, attempts[1].MessageId);
        Assert.Equal($"notification-{retrying.Id}@portal.example.com", retrying.MessageId);
        Assert.Equal(NotificationStatus.Sent, Assert.Single(await factory.NotificationsForAsync(customer.Id)).Status);
    }

    [Fact]
    public async Task OneFailingRecipientDoesNotHoldUpTheOthers()
    {
        var failing = await ComposedNotificationAsync();
        var others = new List<TestCustomer>();
        for (var i = 0; i < 5; i++)
        {
            others.Add(await ComposedNotificationAsync(compose: false));
        }
        await factory.Composer.ComposeDueAsync();
        factory.Smtp.Script(failing.Email, SmtpFault.Reply(550, "No such user"));

        await factory.Dispatcher.DispatchDueAsync();

        Assert.All(others, o => Assert.Single(factory.Smtp.MessagesTo(o.Email)));
        Assert.Equal(NotificationStatus.Failed, Assert.Single(await factory.NotificationsForAsync(failing.Id)).Status);
    }

    [Fact]
    public async Task TransientFailuresEndAsFailedAfterTheRetryLifetime()
    {
        var customer = await ComposedNotificationAsync();
        var settings = factory.NotificationSettings;
        var replies = Enumerable.Range(0, settings.MaxAttempts).Select(_ => SmtpFault.Reply(451, "Local error")).ToArray();
        factory.Smtp.Script(customer.Email, replies);

        var rounds = 0;
        while ((await factory.NotificationsForAsync(customer.Id))[0] is { Status: NotificationStatus.Pending or NotificationStatus.Retrying } waiting)
        {
            Assert.True(++rounds <= settings.MaxAttempts, "gave up in time");
            factory.Clock.Advance(waiting.NextAttemptAt > factory.Clock.GetUtcNow() ? waiting.NextAttemptAt - factory.Clock.GetUtcNow() : TimeSpan.Zero);
            await factory.Dispatcher.DispatchDueAsync();
        }

        var failed = Assert.Single(await factory.NotificationsForAsync(customer.Id));
        Assert.Equal(NotificationStatus.Failed, failed.Status);
        Assert.Contains("451", failed.LastError);
        Assert.True(failed.LastAttemptAt <= failed.CreatedAt + settings.RetryLifetime);
        Assert.Empty(factory.Smtp.MessagesTo(customer.Email));
        // Backoff grows: far fewer attempts than a fixed short delay would make in a day.
        Assert.InRange(failed.Attempts, 5, settings.MaxAttempts);
    }

    [Fact]
    public async Task ADeadDispatchersClaimIsTakenOverAfterItsLeaseExpires()
    {
        var customer = await ComposedNotificationAsync();
        var leaseUntil = factory.Clock.GetUtcNow() + factory.NotificationSettings.LeaseDuration;
        await using (var db = await factory.CreateDbContextAsync())
        {
            var notification = db.Notifications.Single(n => n.CustomerId == customer.Id);
            notification.LeaseOwner = "crashed-instance";
            notification.LeaseExpiresAt = leaseUntil;
            await db.SaveChangesAsync();
        }

        await factory.Dispatcher.DispatchDueAsync();
        Assert.Empty(factory.Smtp.MessagesTo(customer.Email));

        factory.Clock.Advance(leaseUntil - factory.Clock.GetUtcNow() + TimeSpan.FromMilliseconds(1));
        await factory.Dispatcher.DispatchDueAsync();

        Assert.Single(factory.Smtp.MessagesTo(customer.Email));
        var sent = Assert.Single(await factory.NotificationsForAsync(customer.Id));
        Assert.Equal(NotificationStatus.Sent, sent.Status);
        Assert.Null(sent.LeaseOwner);
    }

    private async Task<TestCustomer> ComposedNotificationAsync(bool compose = true)
    {
        var customer = await factory.CreateCustomerAsync(lines: 1);
        await factory.ChangeEtaAsync(customer.Lines[0].Id, customer.Lines[0].Eta!.Value.AddDays(8));
        factory.PassCoalesceWindow();
        if (compose)
        {
            await factory.Composer.ComposeDueAsync();
        }
        return customer;
    }
}
