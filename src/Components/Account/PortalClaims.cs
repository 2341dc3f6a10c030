using System.Security.Claims;
using BacklogPortal.Data;
using Microsoft.AspNetCore.Identity;

namespace BacklogPortal.Components.Account;

/// <summary>The portal's own claims on a signed-in user, and where they come from.</summary>
public static class PortalClaims
{
    /// <summary>The customer account a customer user belongs to; the only source of scoping for customer queries.</summary>
    public const string CustomerId = "backlogportal:customer_id";

    public const string DisplayName = "backlogportal:display_name";

    public static int? GetCustomerId(this ClaimsPrincipal user) =>
        int.TryParse(user.FindFirstValue(CustomerId), out var id) ? id : null;

    public static string GetDisplayName(this ClaimsPrincipal user) =>
        user.FindFirstValue(DisplayName) ?? user.Identity?.Name ?? "";
}

internal sealed class PortalClaimsPrincipalFactory(
    UserManager<ApplicationUser> userManager,
    RoleManager<IdentityRole> roleManager,
    IOptions<IdentityOptions> options)
    : UserClaimsPrincipalFactory<ApplicationUser, IdentityRole>(userManager, roleManager, options)
{
    protected override async Task<ClaimsIdentity> GenerateClaimsAsync(ApplicationUser user)
    {
        var identity = await base.GenerateClaimsAsync(user);
        if (user.CustomerId is { } customerId)
        {
            identity.AddClaim(new Claim(PortalClaims.CustomerId, customerId.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }
        if (!string.IsNullOrWhiteSpace(user.DisplayName))
        {
            identity.AddClaim(new Claim(PortalClaims.DisplayName, user.DisplayName));
        }
        return identity;
    }
}
