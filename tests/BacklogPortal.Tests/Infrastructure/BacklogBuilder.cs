using BacklogPortal.Data;
using BacklogPortal.Domain;
using Microsoft.EntityFrameworkCore;

namespace BacklogPortal.Tests.Infrastructure;

/// <summary>Writes small, explicit backlogs for tests: customers, products, orders and lines.</summary>
public sealed class BacklogBuilder(IDbContextFactory<PortalDbContext> database)
{
    private int orderSequence = 9000;

    public async Task<Customer> CustomerAsync(string name, string culture = "en-US")
    {
        await using var db = database.CreateDbContext();
        var customer = new Customer { Number = $"T-{Guid.NewGuid():n}"[..12], Name = name, Culture = culture };
        db.Customers.Add(customer);
        await db.SaveChangesAsync();
        return customer;
    }

    public async Task<Product> ProductAsync(string sku, string name, decimal price = 10m, DateOnly? releaseDate = null)
    {
        await using var db = database.CreateDbContext();
        var product = new Product { Sku = sku, Name = name, UnitPrice = price, ReleaseDate = releaseDate };
        db.Products.Add(product);
        await db.SaveChangesAsync();
        return product;
    }

    /// <summary>An order with one line per (product, eta) pair; quantities 5, nothing shipped.</summary>
    public async Task<Order> OrderAsync(Customer customer, DateOnly orderDate, params (Product Product, DateOnly? Eta)[] lines)
    {
        await using var db = database.CreateDbContext();
        var order = new Order { OrderNumber = $"SO-T{orderSequence++}", CustomerId = customer.Id, OrderDate = orderDate };
        var number = 1;
        foreach (var (product, eta) in lines)
        {
            order.Lines.Add(new OrderLine
            {
                CustomerId = customer.Id,
                LineNumber = number++,
                ProductId = product.Id,
                Kind = product.ReleaseDate is null ? BacklogKind.Backorder : BacklogKind.PreOrder,
                QuantityOrdered = 5,
                UnitPrice = product.UnitPrice,
                PromisedDate = eta,
                Eta = eta,
            });
        }
        db.Orders.Add(order);
        await db.SaveChangesAsync();
        return order;
    }
}
