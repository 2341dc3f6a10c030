using BacklogPortal.Data;
using BacklogPortal.Domain;
using BacklogPortal.Orders;
using Microsoft.EntityFrameworkCore;

namespace BacklogPortal.Tests.Orders;

/// <summary>Small orders written straight into a test database: lines with exactly the dates, history and flags a test needs.</summary>
internal sealed class OrderTestData(IDbContextFactory<PortalDbContext> database)
{
    /// <summary>After the bUnit context's fake "today" (26 Nov 2026), so lines are not overdue unless a test says so.</summary>
    public static readonly DateOnly Promised = new(2027, 3, 1);

    public static readonly DateTimeOffset OrderedAt = new(2026, 10, 1, 8, 0, 0, TimeSpan.Zero);

    private static int sequence;

    public async Task<Customer> CustomerAsync(string name)
    {
        await using var db = await database.CreateDbContextAsync();
        var customer = new Customer { Number = $"OT-{Guid.NewGuid():n}"[..14], Name = name };
        db.Customers.Add(customer);
        await db.SaveChangesAsync();
        return customer;
    }

    /// <summary>An order of <paramref name="customer"/> with one line per spec (a product of its own each).</summary>
    public async Task<(Order Order, List<OrderLine> Lines)> OrderAsync(Customer customer, params LineSpec[] specs)
    {
        var n = Interlocked.Increment(ref sequence);
        await using var db = await database.CreateDbContextAsync();
        var order = new Order
        {
            OrderNumber = $"SO-OT{n}-{Guid.NewGuid():n}"[..16],
            CustomerId = customer.Id,
            OrderDate = DateOnly.FromDateTime(OrderedAt.UtcDateTime),
        };
        for (var i = 0; i < specs.Length; i++)
        {
            var spec = specs[i];
            var product = new Product { Sku = $"OT-{n}-{i}-{Guid.NewGuid():n}"[..20], Name = spec.ProductName ?? $"Test product {n}-{i}", UnitPrice = 10m };
            var line = new OrderLine
            {
                CustomerId = customer.Id,
                LineNumber = i + 1,
                Product = product,
                Kind = BacklogKind.Backorder,
                QuantityOrdered = 10,
                QuantityShipped = spec.Shipped,
                QuantityCancelled = spec.Status == LineStatus.Cancelled ? 10 - spec.Shipped : 0,
                UnitPrice = 10m,
                PromisedDate = spec.Promised,
                Eta = spec.Promised,
                Status = spec.Status,
            };
            var changedAt = OrderedAt;
            foreach (var (newEta, reason, text) in spec.Moves)
            {
                changedAt = changedAt.AddDays(3);
                line.EtaChanges.Add(new EtaChange
                {
                    OrderLine = line,
                    CustomerId = customer.Id,
                    OldEta = line.Eta,
                    NewEta = newEta,
                    ReasonCode = reason,
                    ReasonText = text,
                    Source = ChangeSource.Staff,
                    ChangedBy = "staff@example.com",
                    ChangedAt = changedAt,
                });
                line.Eta = newEta;
                line.EtaChangeCount++;
            }
            line.ConsentRequired = spec.ConsentRequired;
            order.Lines.Add(line);
        }
        db.Orders.Add(order);
        await db.SaveChangesAsync();
        return (order, order.Lines.OrderBy(l => l.LineNumber).ToList());
    }

    public async Task<OrderLine> LineAsync(int lineId)
    {
        await using var db = await database.CreateDbContextAsync();
        return await db.OrderLines.AsNoTracking().SingleAsync(l => l.Id == lineId);
    }

    /// <summary>What a concurrent writer (a staff edit, a shipment) does to the line's version.</summary>
    public async Task TouchAsync(int lineId)
    {
        await using var db = await database.CreateDbContextAsync();
        await db.OrderLines.Where(l => l.Id == lineId).ExecuteUpdateAsync(s => s.SetProperty(l => l.Version, l => l.Version + 1));
    }

    /// <summary>The real answer service, with its real confirmation emails queued in the same database.</summary>
    public static CustomerResponses Responses(IDbContextFactory<PortalDbContext> database, TimeProvider clock) => new(
        database,
        new BacklogPortal.Notifications.AnswerConfirmations(
            new BacklogPortal.Notifications.EmailQueue(database, new BacklogPortal.Notifications.DispatchSignal(),
                Microsoft.Extensions.Options.Options.Create(new BacklogPortal.Hosting.PortalOptions { PublicBaseUrl = "https://portal.example.com" }), clock),
            Microsoft.Extensions.Options.Options.Create(new BacklogPortal.Hosting.PortalOptions { PublicBaseUrl = "https://portal.example.com" })),
        clock,
        Microsoft.Extensions.Logging.Abstractions.NullLogger<CustomerResponses>.Instance);

    /// <summary>A second delay, 45 days past the promise in all: the FTC rule asks for express consent.</summary>
    public static LineSpec AwaitingConsent(int shipped = 0) => new(
        Promised,
        [(Promised.AddDays(20), EtaReasonCode.SupplierDelay, "Component shortage"), (Promised.AddDays(45), EtaReasonCode.Transport, "Container held at port")],
        ConsentRequired: true,
        Status: shipped > 0 ? LineStatus.PartiallyShipped : LineStatus.Open,
        Shipped: shipped);

    /// <summary>A first delay of ten days: silence counts as consent, but the customer may cancel.</summary>
    public static LineSpec FirstShortDelay() => new(Promised, [(Promised.AddDays(10), EtaReasonCode.Production, null)]);

    public static LineSpec OnSchedule() => new(Promised, []);
}

internal sealed record LineSpec(
    DateOnly? Promised,
    (DateOnly? NewEta, EtaReasonCode Reason, string? Text)[] Moves,
    bool ConsentRequired = false,
    LineStatus Status = LineStatus.Open,
    int Shipped = 0,
    string? ProductName = null);
