using BacklogPortal.Domain;
using BacklogPortal.Notifications;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BacklogPortal.Tests.Notifications;

public sealed class OverdueReminderTests(NotificationAppFactory factory) : IClassFixture<NotificationAppFactory>
{
    private OverdueReminders Reminders => factory.Services.GetRequiredService<OverdueReminders>();

    [Fact]
    public async Task AnOverdueLineGetsOneReminderForItsPassedEta()
    {
        var customer = await factory.CreateCustomerAsync(lines: 2, firstEta: factory.Today().AddDays(-1), timeZone: "UTC");
        // Line 2's ETA is today: not passed yet.

        await Reminders.ScanAsync();
        factory.PassCoalesceWindow();
        await factory.ComposeAndDispatchAsync();

        var message = Assert.Single(factory.Smtp.MessagesTo(customer.Email));
        Assert.Contains("we are checking", message.Subject);
        Assert.Contains(customer.Lines[0].ProductName, message.TextBody);
        Assert.DoesNotContain(customer.Lines[1].ProductName, message.TextBody);
        var reminder = Assert.Single(await factory.OutboxForAsync(customer.Id));
        Assert.Equal((NotificationKind.OverdueReminder, customer.Lines[0].Eta), (reminder.Kind, reminder.Eta));

        // Days later, nothing new happened to line 1: no second reminder. Line 2 has passed by now.
        factory.Clock.Advance(TimeSpan.FromDays(3));
        await Reminders.ScanAsync();
        await Reminders.ScanAsync();
        factory.PassCoalesceWindow();
        await factory.ComposeAndDispatchAsync();

        var entries = await factory.OutboxForAsync(customer.Id);
        Assert.Equal(2, entries.Count);
        Assert.Equal(customer.Lines[1].Id, entries[1].OrderLineId);
        Assert.Equal(2, factory.Smtp.MessagesTo(customer.Email).Count);
        Assert.DoesNotContain(customer.Lines[0].ProductName, factory.Smtp.MessagesTo(customer.Email)[1].TextBody);
    }

    [Fact]
    public async Task AReminderIsDroppedWhenANewEtaArrivedMeanwhile()
    {
        var customer = await factory.CreateCustomerAsync(lines: 1, firstEta: factory.Today().AddDays(-2), timeZone: "UTC");
        await Reminders.ScanAsync();
        await factory.ChangeEtaAsync(customer.Lines[0].Id, factory.Today().AddDays(10));
        factory.PassCoalesceWindow();

        await factory.ComposeAndDispatchAsync();

        var message = Assert.Single(factory.Smtp.MessagesTo(customer.Email));
        Assert.DoesNotContain("we are checking", message.Subject);
        Assert.Contains("new delivery date", message.Subject, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task ShippedLinesAreNeverOverdue()
    {
        var customer = await factory.CreateCustomerAsync(lines: 1, firstEta: factory.Today().AddDays(-5), timeZone: "UTC");
        await using (var db = await factory.CreateDbContextAsync())
        {
            var line = await db.OrderLines.SingleAsync(l => l.Id == customer.Lines[0].Id);
            line.QuantityShipped = line.QuantityOrdered;
            line.Status = LineStatus.Shipped;
            await db.SaveChangesAsync();
        }

        await Reminders.ScanAsync();

        Assert.Empty(await factory.OutboxForAsync(customer.Id));
    }
}
