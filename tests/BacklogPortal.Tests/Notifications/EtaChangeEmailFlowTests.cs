using BacklogPortal.Data;
using BacklogPortal.Domain;
using BacklogPortal.EtaChanges;
using BacklogPortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BacklogPortal.Tests.Notifications;

/// <summary>
/// The whole path of a delay email on the demo data, as staff use it: a SKU-wide ETA change through the
/// write path, the outbox, the composer and the dispatcher, to a real SMTP server.
/// </summary>
public sealed class EtaChangeEmailFlowTests(EtaChangeEmailFlowTests.LiveFactory factory) : IClassFixture<EtaChangeEmailFlowTests.LiveFactory>
{
    public sealed class LiveFactory : PortalAppFactory
    {
        protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
        {
            ["Notifications:CoalesceWindow"] = "00:00:00",
            ["Notifications:PollInterval"] = "00:00:00.200",
        };
    }

    [Fact]
    public async Task SkuChangeSendsEachAffectedCustomerOneEmailWithTheNewDateInTheirLanguage()
    {
        // The overdue scan at start-up sends its own emails; let them go first so this test sees only its change.
        await Eventually(async () =>
        {
            await using var db = await Db();
            return !await db.NotificationOutbox.AnyAsync(e => e.ProcessedAt == null)
                && !await db.Notifications.AnyAsync(n => n.Status == NotificationStatus.Pending);
        });
        const string sku = "DCK-USBC-12";
        List<(int Id, string Name, string Culture, string[] Addresses)> affected;
        long lastNotificationBefore;
        await using (var db = await Db())
        {
            var customerIds = await db.OrderLines
                .Where(l => l.Product!.Sku == sku && (l.Status == LineStatus.Open || l.Status == LineStatus.PartiallyShipped))
                .Select(l => l.CustomerId).Distinct().ToListAsync();
            var customers = await db.Customers.Where(c => customerIds.Contains(c.Id)).ToListAsync();
            var users = await db.Users.Where(u => u.CustomerId != null && customerIds.Contains(u.CustomerId.Value)).ToListAsync();
            affected = customers.Select(c => (c.Id, c.Name, c.Culture, c.NotificationEmail is { } mailbox
                ? new[] { mailbox }
                : users.Where(u => u.CustomerId == c.Id).Select(u => u.Email!).ToArray())).ToList();
            lastNotificationBefore = await db.Notifications.MaxAsync(n => (long?)n.Id) ?? 0;
        }
        Assert.True(affected.Count >= 3, "The demo data should spread this SKU over several customers.");
        var newEta = new DateOnly(2027, 3, 15);
        var service = factory.Services.GetRequiredService<EtaChangeService>();

        var result = await service.ChangeAsync(new EtaChangeRequest(EtaChangeTarget.ForSku(sku), newEta,
            EtaReasonCode.SupplierDelay, "Container held at port", ChangeSource.Staff, "staff@example.com"));

        Assert.Equal(EtaChangeOutcome.Changed, result.Outcome);
        Assert.Equal(affected.Count, result.CustomersAffected);
        foreach (var customer in affected)
        {
            var message = await factory.Smtp.WaitForMessageAsync(m =>
                m.To.Mailboxes.Any(a => customer.Addresses.Contains(a.Address)) && (m.TextBody ?? "").Contains("Container held at port"),
                TimeSpan.FromSeconds(30));
            var expectedDate = newEta.ToString("D", System.Globalization.CultureInfo.GetCultureInfo(customer.Culture));
            Assert.True(message.TextBody?.Contains(expectedDate), message.TextBody);
            Assert.Contains(sku, message.TextBody);
            Assert.Contains(customer.Culture == "de-DE" ? "Liefertermin" : "delivery date", message.Subject);
        }
        await using (var db = await Db())
        {
            var sent = await db.Notifications.Where(n => n.Id > lastNotificationBefore).ToListAsync();
            // One email per customer for the whole burst, never one per line.
            Assert.Equal(affected.Select(c => c.Id).Order(), sent.Select(n => n.CustomerId!.Value).Order());
            Assert.DoesNotContain(await db.NotificationOutbox.Where(e => e.ProcessedAt == null).ToListAsync(), _ => true);
        }
    }

    private async Task<PortalDbContext> Db() =>
        await factory.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();

    private static async Task Eventually(Func<Task<bool>> condition)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (!await condition())
        {
            await Task.Delay(50, timeout.Token);
        }
    }
}
