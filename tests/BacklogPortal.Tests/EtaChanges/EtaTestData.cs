using BacklogPortal.Data;
using BacklogPortal.Domain;
using BacklogPortal.EtaChanges;
using BacklogPortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BacklogPortal.Tests.EtaChanges;

/// <summary>
/// Lines of a product of their own for each test, so tests sharing one portal database do not see
/// each other's changes.
/// </summary>
internal sealed class EtaTestData(PortalAppFactory factory)
{
    public static readonly DateOnly Promised = new(2027, 3, 1);

    private static int sequence;

    public EtaChangeService Service => factory.Services.GetRequiredService<EtaChangeService>();

    public async Task<PortalDbContext> DbAsync() =>
        await factory.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();

    /// <summary>A new product with <paramref name="lines"/> lines spread over <paramref name="customers"/> new customers, one order each.</summary>
    public async Task<Product> ProductWithLinesAsync(int customers, params LineSpec[] lines)
    {
        var n = Interlocked.Increment(ref sequence);
        var tag = $"{n}-{Guid.NewGuid():n}"[..12];
        await using var db = await DbAsync();
        var product = new Product { Sku = $"T-{tag}", Name = $"Test product {tag}", UnitPrice = 10m };
        db.Products.Add(product);
        var orders = Enumerable.Range(0, customers).Select(c => new Order
        {
            OrderNumber = $"T-{tag}-{c}",
            Customer = new Customer { Number = $"T-{tag}-{c}", Name = $"Test customer {tag}-{c}" },
            OrderDate = Promised.AddDays(-30),
        }).ToList();
        db.Orders.AddRange(orders);
        await db.SaveChangesAsync();
        for (var i = 0; i < lines.Length; i++)
        {
            var spec = lines[i];
            var order = orders[i % customers];
            db.OrderLines.Add(new OrderLine
            {
                OrderId = order.Id,
                CustomerId = order.CustomerId,
                LineNumber = i + 1,
                ProductId = product.Id,
                Kind = BacklogKind.Backorder,
                QuantityOrdered = 10,
                QuantityShipped = spec.Status switch { LineStatus.Shipped => 10, LineStatus.PartiallyShipped => 4, _ => 0 },
                QuantityCancelled = spec.Status == LineStatus.Cancelled ? 10 : 0,
                UnitPrice = 10m,
                PromisedDate = spec.Promised ?? Promised,
                Eta = spec.Eta,
                EtaChangeCount = spec.EtaChangeCount,
                Status = spec.Status,
                ConsentRequired = spec.ConsentRequired,
                CustomerResponse = spec.Response,
                CustomerRespondedAt = spec.Response == CustomerResponse.None ? null : DateTimeOffset.UtcNow,
                CustomerRespondedBy = spec.Response == CustomerResponse.None ? null : "customer@example.com",
            });
        }
        await db.SaveChangesAsync();
        return product;
    }

    public async Task<List<OrderLine>> LinesOfAsync(Product product)
    {
        await using var db = await DbAsync();
        return await db.OrderLines.AsNoTracking().Where(l => l.ProductId == product.Id).OrderBy(l => l.Id).ToListAsync();
    }

    public async Task<List<EtaChange>> ChangesOfAsync(Product product)
    {
        await using var db = await DbAsync();
        return await db.EtaChanges.AsNoTracking().Where(c => c.OrderLine!.ProductId == product.Id).OrderBy(c => c.Id).ToListAsync();
    }

    public async Task<List<NotificationOutboxEntry>> OutboxOfAsync(Product product)
    {
        await using var db = await DbAsync();
        var lineIds = db.OrderLines.Where(l => l.ProductId == product.Id).Select(l => l.Id);
        return await db.NotificationOutbox.AsNoTracking().Where(e => lineIds.Contains(e.OrderLineId!.Value)).OrderBy(e => e.Id).ToListAsync();
    }

    public static EtaChangeRequest Request(EtaChangeTarget target, DateOnly? newEta, EtaReasonCode? reason = EtaReasonCode.SupplierDelay,
        string? text = "Supplier moved the shipment", string changedBy = "staff@example.com") =>
        new(target, newEta, reason, text, ChangeSource.Staff, changedBy);
}

internal sealed record LineSpec(
    DateOnly? Eta,
    LineStatus Status = LineStatus.Open,
    DateOnly? Promised = null,
    int EtaChangeCount = 0,
    bool ConsentRequired = false,
    CustomerResponse Response = CustomerResponse.None);
