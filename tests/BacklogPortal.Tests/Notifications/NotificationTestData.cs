using BacklogPortal.Data;
using BacklogPortal.Domain;
using BacklogPortal.EtaChanges;
using BacklogPortal.Notifications;
using BacklogPortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BacklogPortal.Tests.Notifications;

/// <summary>
/// The portal with fake time and no background loops: tests compose and dispatch by hand, so
/// every step is deterministic. SMTP goes to the class's in-process server.
/// </summary>
public class NotificationAppFactory : PortalAppFactory
{
    protected override bool UseFakeTime => true;

    protected sealed override IDictionary<string, string?> Settings
    {
        get
        {
            var settings = new Dictionary<string, string?>
            {
                ["Notifications:BackgroundProcessing"] = "false",
                ["Portal:PublicBaseUrl"] = "https://portal.example.com",
                ["Email:Smtp:Timeout"] = "00:00:10",
            };
            foreach (var (key, value) in MoreSettings)
            {
                settings[key] = value;
            }
            return settings;
        }
    }

    /// <summary>Settings of a derived factory, applied over the ones above.</summary>
    protected virtual IDictionary<string, string?> MoreSettings => new Dictionary<string, string?>();

    public NotificationComposer Composer => Services.GetRequiredService<NotificationComposer>();

    public NotificationDispatcher Dispatcher => Services.GetRequiredService<NotificationDispatcher>();

    public NotificationsOptions NotificationSettings =>
        Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<NotificationsOptions>>().Value;

    public async Task<PortalDbContext> CreateDbContextAsync() =>
        await Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();

    /// <summary>Composes what is due and sends it: the work of both loops, once.</summary>
    public async Task ComposeAndDispatchAsync()
    {
        await Composer.ComposeDueAsync();
        await Dispatcher.DispatchDueAsync();
    }

    /// <summary>Moves time past the coalescing window.</summary>
    public void PassCoalesceWindow() => Clock.Advance(NotificationSettings.CoalesceWindow + TimeSpan.FromSeconds(1));
}

public sealed record TestCustomer(int Id, string Name, string Email, string OrderNumber, IReadOnlyList<TestLine> Lines);

public sealed record TestLine(int Id, string Sku, string ProductName, DateOnly? Eta);

/// <summary>Customers of their own per test, and ETA changes through the real write path.</summary>
public static class NotificationTestData
{
    public static DateOnly Today(this PortalAppFactory factory) =>
        DateOnly.FromDateTime(factory.Services.GetRequiredService<TimeProvider>().GetUtcNow().UtcDateTime);

    public static async Task<TestCustomer> CreateCustomerAsync(
        this PortalAppFactory factory,
        int lines = 2,
        string culture = "en-US",
        string timeZone = "America/New_York",
        NotificationPreference preference = NotificationPreference.Immediate,
        string? email = null,
        DateOnly? firstEta = null)
    {
        var tag = Guid.NewGuid().ToString("n")[..10];
        email ??= $"buyer-{tag}@customer.example";
        var today = factory.Today();
        var eta = firstEta ?? today.AddDays(20);
        await using var db = await factory.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
        var customer = new Customer
        {
            Number = $"T-{tag}",
            Name = $"Customer {tag}",
            NotificationEmail = email,
            NotificationPreference = preference,
            Culture = culture,
            TimeZoneId = timeZone,
        };
        db.Customers.Add(customer);
        await db.SaveChangesAsync();
        var order = new Order { OrderNumber = $"SO-{tag}", CustomerId = customer.Id, OrderDate = today.AddDays(-10) };
        for (var i = 1; i <= lines; i++)
        {
            var product = new Product { Sku = $"TST-{tag}-{i}", Name = $"Test Widget {tag} #{i}", UnitPrice = 10m * i };
            order.Lines.Add(new OrderLine
            {
                Order = order,
                CustomerId = customer.Id,
                Product = product,
                LineNumber = i,
                QuantityOrdered = 3 * i,
                UnitPrice = product.UnitPrice,
                PromisedDate = eta.AddDays(i - 1),
                Eta = eta.AddDays(i - 1),
            });
        }
        db.Orders.Add(order);
        await db.SaveChangesAsync();
        return new TestCustomer(customer.Id, customer.Name, email, order.OrderNumber,
            [.. order.Lines.Select(l => new TestLine(l.Id, l.Product!.Sku, l.Product.Name, l.Eta))]);
    }

    /// <summary>
    /// Changes a line's ETA through the portal's own write path (<see cref="EtaChangeService"/>), as
    /// staff do on /staff/lines: line, audit row and outbox entry in one transaction, the FTC consent
    /// flag set by the rule, the composer woken after the commit.
    /// </summary>
    public static async Task ChangeEtaAsync(this PortalAppFactory factory, int lineId, DateOnly? newEta,
        EtaReasonCode reason = EtaReasonCode.SupplierDelay, string? reasonText = "Supplier shipment rescheduled")
    {
        long version;
        await using (var db = await factory.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync())
        {
            version = await db.OrderLines.Where(l => l.Id == lineId).Select(l => l.Version).SingleAsync();
        }
        var result = await factory.Services.GetRequiredService<EtaChangeService>().ChangeAsync(new EtaChangeRequest(
            EtaChangeTarget.ForLine(lineId, version), newEta, reason, reasonText, ChangeSource.Staff, "staff@example.com"));
        Assert.True(result.Outcome == EtaChangeOutcome.Changed, $"The ETA change was not made: {result.Outcome}, {result.Message}");
    }

    public static async Task<List<Notification>> NotificationsForAsync(this PortalAppFactory factory, int customerId)
    {
        await using var db = await factory.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
        return await db.Notifications.AsNoTracking().Where(n => n.CustomerId == customerId).OrderBy(n => n.Id).ToListAsync();
    }

    public static async Task<List<NotificationOutboxEntry>> OutboxForAsync(this PortalAppFactory factory, int customerId)
    {
        await using var db = await factory.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
        return await db.NotificationOutbox.AsNoTracking().Where(e => e.CustomerId == customerId).OrderBy(e => e.Id).ToListAsync();
    }
}
