using System.Security.Claims;
using BacklogPortal.Components.Account;
using BacklogPortal.Data;
using BacklogPortal.Orders;
using BacklogPortal.Staff.Access;
using Microsoft.AspNetCore.Authorization;

namespace BacklogPortal.Staff.Orders;

/// <summary>A customer's order exactly as <see cref="OrderDetails"/> shows it to the customer, for staff, with every answer button off.</summary>
public sealed class StaffOrderView(IDbContextFactory<PortalDbContext> dbFactory, OrderDetails orders, IAuthorizationService authorization)
{
    public async Task<OrderDetail?> GetAsync(ClaimsPrincipal user, string orderNumber, CancellationToken cancellationToken = default)
    {
        await StaffAccess.EnsureAsync(authorization, user, Policies.Staff);
        if (string.IsNullOrWhiteSpace(orderNumber))
        {
            return null;
        }
        var number = orderNumber.Trim();
        int? customerId;
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            customerId = await db.Orders.Where(o => o.OrderNumber == number).Select(o => (int?)o.CustomerId).SingleOrDefaultAsync(cancellationToken);
        }
        if (customerId is not { } customer || await orders.GetAsync(customer, number, cancellationToken) is not { } order)
        {
            return null;
        }
        return order with { Lines = [.. order.Lines.Select(l => l with { CanAccept = false, CanCancel = false })] };
    }
}
