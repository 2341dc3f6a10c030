using BacklogPortal.Domain;

namespace BacklogPortal.Tests.Notifications;

public sealed class CoalescingTests(NotificationAppFactory factory) : IClassFixture<NotificationAppFactory>
{
    [Fact]
    public async Task TwoChangesInsideTheWindowBecomeOneEmailListingBothLines()
    {
        var customer = await factory.CreateCustomerAsync(lines: 3);
        var (first, second) = (customer.Lines[0], customer.Lines[1]);

        await factory.ChangeEtaAsync(first.Id, first.Eta!.Value.AddDays(12));
        factory.Clock.Advance(TimeSpan.FromSeconds(40));
        await factory.ChangeEtaAsync(second.Id, second.Eta!.Value.AddDays(5));
        await factory.ComposeAndDispatchAsync();

        Assert.Empty(await factory.NotificationsForAsync(customer.Id));

        factory.PassCoalesceWindow();
        await factory.ComposeAndDispatchAsync();

        var message = Assert.Single(factory.Smtp.MessagesTo(customer.Email));
        Assert.Contains(first.ProductName, message.TextBody);
        Assert.Contains(second.ProductName, message.TextBody);
        Assert.DoesNotContain(customer.Lines[2].ProductName, message.TextBody);
        Assert.Contains("new delivery dates", message.Subject, StringComparison.OrdinalIgnoreCase);
        Assert.Contains(customer.OrderNumber, message.Subject);
        var notification = Assert.Single(await factory.NotificationsForAsync(customer.Id));
        Assert.Equal(NotificationStatus.Sent, notification.Status);
        var outbox = await factory.OutboxForAsync(customer.Id);
        Assert.Equal(2, outbox.Count);
        Assert.All(outbox, e =>
        {
            Assert.NotNull(e.ProcessedAt);
            Assert.Equal(notification.Id, e.NotificationId);
        });
    }

    [Fact]
    public async Task ADateThatMovedAndMovedBackSendsNothing()
    {
        var customer = await factory.CreateCustomerAsync(lines: 1);
        var line = customer.Lines[0];

        await factory.ChangeEtaAsync(line.Id, line.Eta!.Value.AddDays(9));
        factory.Clock.Advance(TimeSpan.FromSeconds(30));
        await factory.ChangeEtaAsync(line.Id, line.Eta);
        factory.PassCoalesceWindow();
        await factory.ComposeAndDispatchAsync();

        Assert.Empty(await factory.NotificationsForAsync(customer.Id));
        Assert.Empty(factory.Smtp.MessagesTo(customer.Email));
        var outbox = await factory.OutboxForAsync(customer.Id);
        Assert.Equal(2, outbox.Count);
        Assert.All(outbox, e =>
        {
            Assert.NotNull(e.ProcessedAt);
            Assert.Null(e.NotificationId);
        });
    }

    [Fact]
    public async Task OnlyTheFirstOldDateAndTheLastNewDateAreTold()
    {
        var customer = await factory.CreateCustomerAsync(lines: 1);
        var line = customer.Lines[0];
        var original = line.Eta!.Value;

        await factory.ChangeEtaAsync(line.Id, original.AddDays(3));
        await factory.ChangeEtaAsync(line.Id, original.AddDays(30));
        await factory.ChangeEtaAsync(line.Id, original.AddDays(7), reasonText: "Container held at port");
        factory.PassCoalesceWindow();
        await factory.ComposeAndDispatchAsync();

        var message = Assert.Single(factory.Smtp.MessagesTo(customer.Email));
        Assert.Contains("7 days later", message.TextBody);
        Assert.Contains("Container held at port", message.TextBody);
        Assert.DoesNotContain("30 days later", message.TextBody);
    }

    [Fact]
    public async Task AnEarlierDateIsToldAsGoodNews()
    {
        var customer = await factory.CreateCustomerAsync(lines: 1);
        var line = customer.Lines[0];

        await factory.ChangeEtaAsync(line.Id, line.Eta!.Value.AddDays(-4), EtaReasonCode.StockArrivedEarly, "Stock arrived earlier than planned");
        factory.PassCoalesceWindow();
        await factory.ComposeAndDispatchAsync();

        var message = Assert.Single(factory.Smtp.MessagesTo(customer.Email));
        Assert.StartsWith("Good news", message.Subject);
        Assert.Contains("Good news: earlier than previously expected · 4 days earlier than promised", message.TextBody);
        Assert.DoesNotContain("Cancel the open quantity", message.TextBody);
    }

    [Fact]
    public async Task DailyDigestCustomerHearsNothingUntilTheirDigestTime()
    {
        // The fake clock starts at the real time and other tests of the class move it: start just after a digest
        // moment in Berlin, so the hour below never crosses the next one, whatever the time of day of the run.
        var berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");
        var digestTime = factory.NotificationSettings.DigestTimeOfDay;
        factory.Clock.Advance(BacklogPortal.Notifications.DigestSchedule.Next(factory.Clock.GetUtcNow(), berlin, digestTime) - factory.Clock.GetUtcNow() + TimeSpan.FromMinutes(1));
        var customer = await factory.CreateCustomerAsync(lines: 2, timeZone: "Europe/Berlin", preference: NotificationPreference.DailyDigest);
        await factory.ChangeEtaAsync(customer.Lines[0].Id, customer.Lines[0].Eta!.Value.AddDays(6));

        factory.PassCoalesceWindow();
        factory.Clock.Advance(TimeSpan.FromHours(1));
        await factory.ComposeAndDispatchAsync();
        Assert.Empty(await factory.NotificationsForAsync(customer.Id));

        await factory.ChangeEtaAsync(customer.Lines[1].Id, null, EtaReasonCode.Production, "Production run moved");
        // Up to the digest moment in Berlin (08:00 by default), one minute short of it: still nothing.
        var nextDigest = BacklogPortal.Notifications.DigestSchedule.Next(factory.Clock.GetUtcNow(), berlin, digestTime);
        factory.Clock.Advance(nextDigest - factory.Clock.GetUtcNow() - TimeSpan.FromMinutes(1));
        await factory.ComposeAndDispatchAsync();
        Assert.Empty(await factory.NotificationsForAsync(customer.Id));

        factory.Clock.Advance(TimeSpan.FromMinutes(1));
        await factory.ComposeAndDispatchAsync();

        var notification = Assert.Single(await factory.NotificationsForAsync(customer.Id));
        Assert.Equal(NotificationKind.DailyDigest, notification.Kind);
        Assert.Equal(8, TimeZoneInfo.ConvertTime(notification.CreatedAt, berlin).Hour);
        var message = Assert.Single(factory.Smtp.MessagesTo(customer.Email));
        Assert.StartsWith("Daily update", message.Subject);
        Assert.Contains(customer.Lines[0].ProductName, message.TextBody);
        Assert.Contains(customer.Lines[1].ProductName, message.TextBody);
    }

    [Fact]
    public async Task EssentialOnlyCustomerIsToldOnlyAboutLinesThatNeedTheirDecision()
    {
        var customer = await factory.CreateCustomerAsync(lines: 2, preference: NotificationPreference.EssentialOnly);
        await factory.ChangeEtaAsync(customer.Lines[0].Id, customer.Lines[0].Eta!.Value.AddDays(10));
        factory.PassCoalesceWindow();
        await factory.ComposeAndDispatchAsync();
        Assert.Empty(await factory.NotificationsForAsync(customer.Id));

        // 45 days past the promise: the FTC rule asks for express consent.
        await factory.ChangeEtaAsync(customer.Lines[1].Id, customer.Lines[1].Eta!.Value.AddDays(45));
        factory.PassCoalesceWindow();
        await factory.ComposeAndDispatchAsync();

        var message = Assert.Single(factory.Smtp.MessagesTo(customer.Email));
        Assert.StartsWith("Action needed", message.Subject);
        Assert.Contains(customer.Lines[1].ProductName, message.TextBody);
        Assert.DoesNotContain(customer.Lines[0].ProductName, message.TextBody);
        Assert.Contains($"/orders/{customer.OrderNumber}?line={customer.Lines[1].Id}&respond=accept", message.TextBody);
        Assert.Contains($"/orders/{customer.OrderNumber}?line={customer.Lines[1].Id}&respond=cancel", message.TextBody);
    }

    [Fact]
    public async Task TwoComposersRacingForTheSameCustomerComposeOneEmail()
    {
        var customer = await factory.CreateCustomerAsync(lines: 2);
        await factory.ChangeEtaAsync(customer.Lines[0].Id, customer.Lines[0].Eta!.Value.AddDays(3));
        await factory.ChangeEtaAsync(customer.Lines[1].Id, customer.Lines[1].Eta!.Value.AddDays(4));
        factory.PassCoalesceWindow();

        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => factory.Composer.ComposeDueAsync())));
        await factory.Composer.ComposeDueAsync();

        Assert.Single(await factory.NotificationsForAsync(customer.Id));
    }

    [Fact]
    public async Task AVeryLongEmailListsTheFirstLinesAndCountsTheRest()
    {
        var max = factory.NotificationSettings.MaxLinesPerEmail;
        var customer = await factory.CreateCustomerAsync(lines: max + 3);
        var needsDecision = customer.Lines[^1];
        foreach (var line in customer.Lines)
        {
            // The last line moves 45 days past its promise, which needs the customer's decision; the rest 7 days, which does not.
            await factory.ChangeEtaAsync(line.Id, line.Eta!.Value.AddDays(line == needsDecision ? 45 : 7));
        }
        factory.PassCoalesceWindow();

        await factory.ComposeAndDispatchAsync();

        var message = Assert.Single(factory.Smtp.MessagesTo(customer.Email));
        var html = new AngleSharp.Html.Parser.HtmlParser().ParseDocument(message.HtmlBody!);
        Assert.Equal(max, html.QuerySelectorAll("[data-line]").Length);
        Assert.NotNull(html.QuerySelector($"[data-line='{needsDecision.Id}'] [data-consent]"));
        Assert.Contains("and 3 more items", html.QuerySelector("[data-unlisted]")!.TextContent);
        Assert.Contains($"the expected delivery dates of {max + 3} items", message.TextBody);
        var outbox = await factory.OutboxForAsync(customer.Id);
        Assert.Equal(max + 3, outbox.Count);
        Assert.All(outbox, e => Assert.NotNull(e.NotificationId));
    }
}
