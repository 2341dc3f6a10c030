using BacklogPortal.Domain;
using BacklogPortal.EtaChanges;
using BacklogPortal.Products;
using BacklogPortal.Tests.EtaChanges;
using BacklogPortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static BacklogPortal.Tests.EtaChanges.EtaTestData;

namespace BacklogPortal.Tests.Staff;

/// <summary>The preview staff confirm before a change of many lines, and the release-date move it previews.</summary>
public sealed class EtaChangeImpactTests(PortalAppFactory factory) : IClassFixture<PortalAppFactory>
{
    private readonly EtaTestData data = new(factory);

    [Fact]
    public async Task ThePreviewCountsLaterEarlierAndDecisionsTheWayTheChangeThenSetsThem()
    {
        var product = await data.ProductWithLinesAsync(3,
            new LineSpec(Promised),                                    // on time: moves 20 days later, silent consent
            new LineSpec(Promised.AddDays(10)),                        // already late: a second delay needs consent
            new LineSpec(Promised.AddDays(40), ConsentRequired: true, Response: CustomerResponse.AcceptedNewDate), // earlier, keeps the answer
            new LineSpec(Promised.AddDays(60), ConsentRequired: true), // earlier but still late, unanswered: still needs a decision
            new LineSpec(Promised, LineStatus.Shipped));               // shipped: not part of the change
        var newEta = Promised.AddDays(20);
        var target = EtaChangeTarget.ForSku(product.Sku);

        var impact = await data.Service.ImpactAsync(target, newEta, page: 0, pageSize: 3);
        var secondPage = await data.Service.ImpactAsync(target, newEta, page: 1, pageSize: 3);

        Assert.Equal((4, 3, 2, 2, 2), (impact.Lines, impact.Customers, impact.Later, impact.Earlier, impact.NeedDecision));
        var lines = await data.LinesOfAsync(product);
        Assert.Equal(3, impact.LineIds.Count);
        Assert.Equal(lines.Take(4).Select(l => l.Id).Order(), impact.LineIds.Concat(secondPage.LineIds).Order());

        var result = await data.Service.ChangeAsync(Request(target, newEta));

        Assert.Equal(impact.Lines, result.LinesChanged);
        var after = await data.LinesOfAsync(product);
        Assert.Equal(impact.NeedDecision, after.Count(l => l.ConsentRequired && l.CustomerResponse == CustomerResponse.None && l.Status == LineStatus.Open));
    }

    [Fact]
    public async Task MovingAReleaseDateMovesThePreOrdersThatFollowedItAfterTheSamePreview()
    {
        var release = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(30);
        var sku = $"REL-{Guid.NewGuid():n}"[..14];
        var catalog = factory.Services.GetRequiredService<ProductCatalog>();
        Assert.True((await catalog.UpsertAsync(new ProductUpsert(sku, "Console", 499m, release, ChangeSource.Staff, "staff@example.com"))).Succeeded);
        int productId;
        await using (var db = await data.DbAsync())
        {
            productId = (await db.Products.SingleAsync(p => p.Sku == sku)).Id;
            var customer = new Customer { Number = sku, Name = "Release customer" };
            db.Customers.Add(customer);
            await db.SaveChangesAsync();
            var order = new Order { OrderNumber = sku, CustomerId = customer.Id, OrderDate = release.AddDays(-60) };
            order.Lines.Add(PreOrder(1, release, customer.Id));
            order.Lines.Add(PreOrder(2, release, customer.Id));
            order.Lines.Add(PreOrder(3, release.AddDays(5), customer.Id));  // given a date of its own: stays
            db.Orders.Add(order);
            await db.SaveChangesAsync();
        }
        var moved = release.AddDays(14);

        var impact = await data.Service.ImpactAsync(EtaChangeTarget.FollowingRelease(productId, release), moved, 0, 10);
        var result = await catalog.UpsertAsync(new ProductUpsert(sku, "Console", 499m, moved, ChangeSource.Staff, "staff@example.com"));

        Assert.Equal((2, 2, 0), (impact.Lines, impact.Later, impact.Earlier));
        Assert.Equal(impact.Lines, result.Moved!.Lines);
        await using var check = await data.DbAsync();
        var etas = await check.OrderLines.AsNoTracking().Where(l => l.ProductId == productId).OrderBy(l => l.LineNumber).Select(l => l.Eta).ToListAsync();
        Assert.Equal([moved, moved, release.AddDays(5)], etas);
        var changes = await check.EtaChanges.AsNoTracking().Where(c => c.OrderLine!.ProductId == productId).ToListAsync();
        Assert.Equal(2, changes.Count);
        Assert.All(changes, c => Assert.Equal(EtaReasonCode.ReleaseDateMoved, c.ReasonCode));
        var changeIds = changes.Select(c => (long?)c.Id).ToList();
        Assert.Equal(2, await check.NotificationOutbox.CountAsync(o => changeIds.Contains(o.EtaChangeId)));

        OrderLine PreOrder(int number, DateOnly eta, int customerId) => new()
        {
            CustomerId = customerId,
            LineNumber = number,
            ProductId = productId,
            Kind = BacklogKind.PreOrder,
            QuantityOrdered = 1,
            UnitPrice = 499m,
            PromisedDate = release,
            Eta = eta,
        };
    }
}
