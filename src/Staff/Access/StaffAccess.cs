using System.Security.Claims;
using BacklogPortal.Components.Account;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components.Authorization;

namespace BacklogPortal.Staff.Access;

/// <summary>
/// The server-side check every staff action makes, not only the page it sits on: a circuit
/// outlives the request that opened it, so a click is authorised against the user as the circuit
/// knows them now (roles removed or an account disabled since the page opened stop it here).
/// </summary>
public sealed class StaffAccess(AuthenticationStateProvider authentication, IAuthorizationService authorization)
{
    /// <summary>The signed-in user if they may act as staff; otherwise throws <see cref="StaffAccessDeniedException"/>.</summary>
    public Task<ClaimsPrincipal> RequireStaffAsync() => RequireAsync(Policies.Staff);

    /// <summary>The signed-in user if they are an administrator; otherwise throws <see cref="StaffAccessDeniedException"/>.</summary>
    public Task<ClaimsPrincipal> RequireAdminAsync() => RequireAsync(Policies.Admin);

    private async Task<ClaimsPrincipal> RequireAsync(string policy)
    {
        var user = (await authentication.GetAuthenticationStateAsync()).User;
        await EnsureAsync(authorization, user, policy);
        return user;
    }

    /// <summary>For services that receive the acting user: refuses unless <paramref name="user"/> meets <paramref name="policy"/>.</summary>
    public static async Task EnsureAsync(IAuthorizationService authorization, ClaimsPrincipal user, string policy)
    {
        if (user.Identity?.IsAuthenticated != true || !(await authorization.AuthorizeAsync(user, policy)).Succeeded)
        {
            throw new StaffAccessDeniedException(policy);
        }
    }
}

/// <summary>A staff action was attempted by someone without the role; nothing was read or written.</summary>
public sealed class StaffAccessDeniedException(string policy)
    : UnauthorizedAccessException($"This action needs the {policy} role.")
{
    public string Policy { get; } = policy;
}
