using BacklogPortal.Data;
using BacklogPortal.Domain;
using BacklogPortal.EtaChanges;
using BacklogPortal.Products;
using BacklogPortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BacklogPortal.Tests.Products;

public sealed class ProductCatalogTests(PortalAppFactory factory) : IClassFixture<PortalAppFactory>
{
    private static readonly DateOnly Release = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(40);

    private ProductCatalog Catalog => factory.Services.GetRequiredService<ProductCatalog>();

    [Fact]
    public async Task PreviewCountsThePreOrdersThatFollowTheReleaseDateAndWritesNothing()
    {
        var (product, lines) = await PreOrdersAsync(Release, Release, Release.AddDays(3));

        var preview = await Catalog.PreviewReleaseDateMoveAsync(product.Sku, Release.AddDays(10));
        var same = await Catalog.PreviewReleaseDateMoveAsync(product.Sku, Release);

        Assert.Equal(new EtaChangePreview(2, 2), preview);
        Assert.Equal(new EtaChangePreview(0, 0), same);
        await using var db = await DbAsync();
        Assert.Equal([Release, Release, Release.AddDays(3)], await db.OrderLines.Where(l => l.ProductId == product.Id).OrderBy(l => l.Id).Select(l => l.Eta).ToListAsync());
        Assert.Equal(3, lines.Count);
    }

    [Fact]
    public async Task StaffMovingTheReleaseDateMovesFollowersWithTheirNameInTheAudit()
    {
        var (product, _) = await PreOrdersAsync(Release, Release.AddDays(-1));
        var moved = Release.AddDays(-7);

        var result = await Catalog.UpsertAsync(new ProductUpsert(product.Sku, product.Name, product.UnitPrice, moved, ChangeSource.Staff, "staff@example.com"));

        Assert.Equal(ProductUpsertOutcome.Updated, result.Outcome);
        Assert.Equal(new ReleaseDateMove(Release, moved, 1, 1), result.Moved);
        await using var db = await DbAsync();
        var audit = await db.EtaChanges.SingleAsync(c => c.OrderLine!.ProductId == product.Id);
        Assert.Equal((EtaReasonCode.ReleaseDateMoved, ChangeSource.Staff, "staff@example.com", Release, moved),
            (audit.ReasonCode, audit.Source, audit.ChangedBy, audit.OldEta!.Value, audit.NewEta!.Value));
    }

    [Fact]
    public async Task ReleaseDateNotAllowedByTheWritePathRollsTheProductBack()
    {
        var (product, _) = await PreOrdersAsync(Release);

        var result = await Catalog.UpsertAsync(new ProductUpsert(product.Sku, "Renamed", 1m, Release.AddYears(10), ChangeSource.Api, "erp"));

        Assert.Equal(ProductUpsertOutcome.Invalid, result.Outcome);
        Assert.Equal("ReleaseDate", Assert.Single(result.Errors).Field);
        await using var db = await DbAsync();
        var stored = await db.Products.SingleAsync(p => p.Id == product.Id);
        Assert.Equal((product.Name, Release), (stored.Name, stored.ReleaseDate!.Value));
    }

    private async Task<PortalDbContext> DbAsync() =>
        await factory.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();

    // One product released on Release; one order per ETA, each of its own customer.
    private async Task<(Product Product, List<OrderLine> Lines)> PreOrdersAsync(params DateOnly[] etas)
    {
        await using var db = await DbAsync();
        var product = new Product { Sku = $"R-{Guid.NewGuid():n}"[..10], Name = "Console Next", UnitPrice = 499m, ReleaseDate = Release };
        var orders = etas.Select(_ => Guid.NewGuid().ToString("n")[..10]).Select(tag => new Order
        {
            OrderNumber = $"SO-{tag}",
            Customer = new Customer { Number = $"C-{tag}", Name = "Pre-order fan" },
            OrderDate = Release.AddDays(-60),
        }).ToList();
        db.Products.Add(product);
        db.Orders.AddRange(orders);
        await db.SaveChangesAsync();
        var lines = orders.Zip(etas, (order, eta) => new OrderLine
        {
            OrderId = order.Id,
            CustomerId = order.CustomerId,
            ProductId = product.Id,
            LineNumber = 1,
            Kind = BacklogKind.PreOrder,
            QuantityOrdered = 1,
            PromisedDate = Release,
            Eta = eta,
        }).ToList();
        db.OrderLines.AddRange(lines);
        await db.SaveChangesAsync();
        return (product, lines);
    }
}
