using System.Security.Claims;
using BacklogPortal.Components.Account;
using BacklogPortal.Data;
using BacklogPortal.Staff.Access;
using Microsoft.AspNetCore.Authorization;

namespace BacklogPortal.Staff.Products;

/// <summary>The backlog per product: open lines, customers waiting, units and value, one grouped query.</summary>
public sealed class StaffProductsQuery(IDbContextFactory<PortalDbContext> dbFactory, IAuthorizationService authorization)
{
    public const int MaxRows = 500;

    public async Task<IReadOnlyList<ProductBacklog>> GetAsync(ClaimsPrincipal user, string? search, CancellationToken cancellationToken = default)
    {
        await StaffAccess.EnsureAsync(authorization, user, Policies.Staff);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var products = db.Products.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(search))
        {
            products = products.Where(TextSearch.AnyContains<Product>(search, p => p.Sku, p => p.Name));
        }
        var open = db.OrderLines.AsNoTracking().Where(LineRules.IsOpen);
        var figures = await open
            .GroupBy(l => l.ProductId)
            .Select(g => new
            {
                ProductId = g.Key,
                Lines = g.Count(),
                Customers = g.Select(l => l.CustomerId).Distinct().Count(),
                Units = g.Sum(l => l.QuantityOrdered - l.QuantityShipped - l.QuantityCancelled),
                // Summed as double: SQLite cannot sum decimals in SQL; cents are not lost at these magnitudes.
                Value = g.Sum(l => (double)(l.QuantityOrdered - l.QuantityShipped - l.QuantityCancelled) * (double)l.UnitPrice),
            })
            .ToDictionaryAsync(f => f.ProductId, cancellationToken);
        var rows = await products.OrderBy(p => p.Sku).Take(MaxRows)
            .Select(p => new { p.Id, p.Sku, p.Name, p.UnitPrice, p.ReleaseDate })
            .ToListAsync(cancellationToken);
        return [.. rows
            .Select(p => figures.TryGetValue(p.Id, out var f)
                ? new ProductBacklog(p.Id, p.Sku, p.Name, p.UnitPrice, p.ReleaseDate, f.Lines, f.Customers, f.Units, Math.Round((decimal)f.Value, 2))
                : new ProductBacklog(p.Id, p.Sku, p.Name, p.UnitPrice, p.ReleaseDate, 0, 0, 0, 0m))
            .OrderByDescending(p => p.Units).ThenBy(p => p.Sku)];
    }
}

public sealed record ProductBacklog(
    int ProductId, string Sku, string Name, decimal UnitPrice, DateOnly? ReleaseDate, int OpenLines, int Customers, int Units, decimal Value);
