using System.Security.Claims;
using BacklogPortal.Components.Account;
using BacklogPortal.Data;
using BacklogPortal.Email;
using BacklogPortal.Staff.Access;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;

namespace BacklogPortal.Staff.Admin;

/// <summary>
/// What administrators do with accounts: link self-registered users to their customer account (or
/// reject them), invite customer contacts and staff, assign staff roles, disable and enable. Every
/// method checks that the acting user is an administrator, whatever page called it. Identity's
/// <see cref="UserManager{TUser}"/> comes from a scope of its own per call, never one a circuit holds.
/// </summary>
public sealed class UserAdministration(
    IServiceScopeFactory scopes,
    IDbContextFactory<PortalDbContext> dbFactory,
    IAuthorizationService authorization,
    ILogger<UserAdministration> logger)
{
    public const int ListLimit = 500;

    /// <summary>Registered users that belong to no customer account and are not staff: waiting to be linked.</summary>
    public async Task<IReadOnlyList<AccountRow>> UnlinkedUsersAsync(ClaimsPrincipal admin, CancellationToken cancellationToken = default)
    {
        await RequireAdminAsync(admin);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var staffRoleIds = db.Roles.Where(r => r.Name == Roles.Staff || r.Name == Roles.Admin).Select(r => r.Id);
        var staffUserIds = db.UserRoles.Where(ur => staffRoleIds.Contains(ur.RoleId)).Select(ur => ur.UserId);
        var rows = await db.Users.AsNoTracking()
            .Where(u => u.CustomerId == null && !staffUserIds.Contains(u.Id))
            .OrderBy(u => u.Email)
            .Take(ListLimit)
            .Select(u => new { u.Id, u.Email, u.UserName, u.DisplayName, u.EmailConfirmed, u.LockoutEnd })
            .ToListAsync(cancellationToken);
        return [.. rows.Select(u => new AccountRow(u.Id, u.Email ?? u.UserName ?? "", u.DisplayName, u.EmailConfirmed, IsDisabled(u.LockoutEnd), null, null, ""))];
    }

    /// <summary>Users linked to a customer account, optionally only those of one customer.</summary>
    public async Task<IReadOnlyList<AccountRow>> CustomerUsersAsync(ClaimsPrincipal admin, string? search = null, CancellationToken cancellationToken = default)
    {
        await RequireAdminAsync(admin);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var users = db.Users.AsNoTracking().Where(u => u.CustomerId != null);
        if (!string.IsNullOrWhiteSpace(search))
        {
            users = users.Where(TextSearch.AnyContains<ApplicationUser>(search, u => u.Email!, u => u.Customer!.Name, u => u.Customer!.Number));
        }
        var rows = await users
            .OrderBy(u => u.Customer!.Name).ThenBy(u => u.Email)
            .Take(ListLimit)
            .Select(u => new { u.Id, u.Email, u.UserName, u.DisplayName, u.EmailConfirmed, u.LockoutEnd, u.Customer!.Number, u.Customer.Name })
            .ToListAsync(cancellationToken);
        return [.. rows.Select(u => new AccountRow(u.Id, u.Email ?? u.UserName ?? "", u.DisplayName, u.EmailConfirmed, IsDisabled(u.LockoutEnd), u.Number, u.Name, ""))];
    }

    /// <summary>Customer accounts by name, number or the email domain of their users or notification address.</summary>
    public async Task<IReadOnlyList<CustomerChoice>> FindCustomersAsync(ClaimsPrincipal admin, string? text, CancellationToken cancellationToken = default)
    {
        await RequireAdminAsync(admin);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var customers = db.Customers.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(text))
        {
            var domain = text.Trim().TrimStart('@');
            var byUserDomain = db.Users.Where(TextSearch.AnyContains<ApplicationUser>("@" + domain, u => u.Email!)).Select(u => u.CustomerId);
            var byName = db.Customers.Where(TextSearch.AnyContains<Customer>(text, c => c.Name, c => c.Number, c => c.NotificationEmail!)).Select(c => (int?)c.Id);
            customers = customers.Where(c => byName.Contains(c.Id) || byUserDomain.Contains(c.Id));
        }
        return await customers.OrderBy(c => c.Name).Take(20)
            .Select(c => new CustomerChoice(c.Number, c.Name, c.NotificationEmail))
            .ToListAsync(cancellationToken);
    }

    /// <summary>Links a self-registered user to a customer account: their backlog appears at their next request (cookie refresh) or sign-in.</summary>
    public async Task<AdminResult> LinkAsync(ClaimsPrincipal admin, string userId, string customerNumber)
    {
        await RequireAdminAsync(admin);
        return await WithUserAsync(userId, async (users, user) =>
        {
            if (await IsStaffAsync(users, user))
            {
                return AdminResult.Failed($"{user.Email} is staff; staff accounts are not linked to customers.");
            }
            await using var db = await dbFactory.CreateDbContextAsync();
            var customer = await db.Customers.AsNoTracking().SingleOrDefaultAsync(c => c.Number == customerNumber.Trim());
            if (customer is null)
            {
                return AdminResult.Failed($"There is no customer {customerNumber}.");
            }
            user.CustomerId = customer.Id;
            var result = await users.UpdateAsync(user);
            if (result.Succeeded && !await users.IsInRoleAsync(user, Roles.Customer))
            {
                result = await users.AddToRoleAsync(user, Roles.Customer);
            }
            if (!result.Succeeded)
            {
                return AdminResult.Failed(Describe(result));
            }
            logger.LogInformation("{Admin} linked user {User} to customer {Customer}", admin.Identity?.Name, user.Email, customer.Number);
            return AdminResult.Done($"{user.Email} now belongs to {customer.Name} and sees its backlog.");
        });
    }

    /// <summary>Removes a user from their customer account: they lose the customer's backlog within the revalidation interval.</summary>
    public async Task<AdminResult> UnlinkAsync(ClaimsPrincipal admin, string userId)
    {
        await RequireAdminAsync(admin);
        return await WithUserAsync(userId, async (users, user) =>
        {
            user.CustomerId = null;
            var result = await users.UpdateAsync(user);
            if (result.Succeeded && await users.IsInRoleAsync(user, Roles.Customer))
            {
                result = await users.RemoveFromRoleAsync(user, Roles.Customer);
            }
            if (result.Succeeded)
            {
                // Ends their cookie and live circuits: they no longer belong to the customer.
                result = await users.UpdateSecurityStampAsync(user);
            }
            return result.Succeeded ? AdminResult.Done($"{user.Email} no longer belongs to a customer account.") : AdminResult.Failed(Describe(result));
        });
    }

    /// <summary>Rejects a registration nobody can place: the unlinked account is deleted.</summary>
    public async Task<AdminResult> RejectAsync(ClaimsPrincipal admin, string userId)
    {
        await RequireAdminAsync(admin);
        return await WithUserAsync(userId, async (users, user) =>
        {
            if (user.CustomerId is not null || await IsStaffAsync(users, user))
            {
                return AdminResult.Failed($"{user.Email} is linked or staff; only unlinked registrations can be rejected.");
            }
            var result = await users.DeleteAsync(user);
            logger.LogInformation("{Admin} rejected the registration of {User}", admin.Identity?.Name, user.Email);
            return result.Succeeded ? AdminResult.Done($"The registration of {user.Email} was rejected and deleted.") : AdminResult.Failed(Describe(result));
        });
    }

    /// <summary>Invites a contact of a customer: an account linked to the customer, without a password until they choose one from the email.</summary>
    public async Task<AdminResult> InviteCustomerContactAsync(ClaimsPrincipal admin, string email, string? name, string customerNumber)
    {
        await RequireAdminAsync(admin);
        await using var db = await dbFactory.CreateDbContextAsync();
        var customer = await db.Customers.AsNoTracking().SingleOrDefaultAsync(c => c.Number == customerNumber.Trim());
        if (customer is null)
        {
            return AdminResult.Failed($"There is no customer {customerNumber}.");
        }
        return await InviteAsync(admin, email, name, customer.Id, [Roles.Customer], $"for {customer.Name}");
    }

    /// <summary>Invites a member of staff with the given roles (Staff, Admin or both).</summary>
    public async Task<AdminResult> InviteStaffAsync(ClaimsPrincipal admin, string email, string? name, bool isAdmin)
    {
        await RequireAdminAsync(admin);
        return await InviteAsync(admin, email, name, null, isAdmin ? [Roles.Staff, Roles.Admin] : [Roles.Staff], "as staff");
    }

    /// <summary>Users with the Staff or Admin role.</summary>
    public async Task<IReadOnlyList<AccountRow>> StaffUsersAsync(ClaimsPrincipal admin, CancellationToken cancellationToken = default)
    {
        await RequireAdminAsync(admin);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var staffRoles = await db.Roles.AsNoTracking().Where(r => r.Name == Roles.Staff || r.Name == Roles.Admin).ToDictionaryAsync(r => r.Id, r => r.Name!, cancellationToken);
        var memberships = await db.UserRoles.AsNoTracking().Where(ur => staffRoles.Keys.Contains(ur.RoleId)).ToListAsync(cancellationToken);
        var userIds = memberships.Select(m => m.UserId).Distinct().ToList();
        var users = await db.Users.AsNoTracking().Where(u => userIds.Contains(u.Id)).OrderBy(u => u.Email).ToListAsync(cancellationToken);
        return users.Select(u => new AccountRow(u.Id, u.Email ?? u.UserName ?? "", u.DisplayName, u.EmailConfirmed, IsDisabled(u.LockoutEnd), null, null,
                string.Join(", ", memberships.Where(m => m.UserId == u.Id).Select(m => staffRoles[m.RoleId]).Order())))
            .ToList();
    }

    /// <summary>Gives a staff user exactly these roles. An administrator cannot take Admin away from themselves.</summary>
    public async Task<AdminResult> SetStaffRolesAsync(ClaimsPrincipal admin, string userId, bool staff, bool isAdmin)
    {
        await RequireAdminAsync(admin);
        if (!staff && !isAdmin)
        {
            return AdminResult.Failed("A staff user needs the Staff or the Admin role; disable the account instead.");
        }
        return await WithUserAsync(userId, async (users, user) =>
        {
            if (IsSelf(admin, user) && !isAdmin)
            {
                return AdminResult.Failed("You cannot take the Admin role away from yourself.");
            }
            if (user.CustomerId is not null)
            {
                return AdminResult.Failed($"{user.Email} belongs to a customer; unlink it before giving it staff roles.");
            }
            var result = IdentityResult.Success;
            foreach (var (role, wanted) in new[] { (Roles.Staff, staff), (Roles.Admin, isAdmin) })
            {
                var has = await users.IsInRoleAsync(user, role);
                if (wanted && !has)
                {
                    result = await users.AddToRoleAsync(user, role);
                }
                else if (!wanted && has)
                {
                    result = await users.RemoveFromRoleAsync(user, role);
                }
                if (!result.Succeeded)
                {
                    return AdminResult.Failed(Describe(result));
                }
            }
            // Roles live in the cookie: a new stamp makes every session pick up the new roles (or sign in again).
            result = await users.UpdateSecurityStampAsync(user);
            return result.Succeeded ? AdminResult.Done($"{user.Email} now has the roles {RoleNames(staff, isAdmin)}.") : AdminResult.Failed(Describe(result));

            static string RoleNames(bool staff, bool isAdmin) => string.Join(" and ", new[] { staff ? "Staff" : null, isAdmin ? "Admin" : null }.OfType<string>());
        });
    }

    /// <summary>
    /// Disables an account: no sign-in, and a new security stamp ends its cookie and live circuits
    /// within <c>Identity:SecurityStamp:ValidationInterval</c>.
    /// </summary>
    public async Task<AdminResult> DisableAsync(ClaimsPrincipal admin, string userId)
    {
        await RequireAdminAsync(admin);
        return await WithUserAsync(userId, async (users, user) =>
        {
            if (IsSelf(admin, user))
            {
                return AdminResult.Failed("You cannot disable your own account.");
            }
            var result = await users.SetLockoutEnabledAsync(user, true);
            if (result.Succeeded)
            {
                result = await users.SetLockoutEndDateAsync(user, DateTimeOffset.MaxValue);
            }
            if (result.Succeeded)
            {
                result = await users.UpdateSecurityStampAsync(user);
            }
            logger.LogInformation("{Admin} disabled the account {User}", admin.Identity?.Name, user.Email);
            return result.Succeeded ? AdminResult.Done($"{user.Email} is disabled and will be signed out within a minute.") : AdminResult.Failed(Describe(result));
        });
    }

    public async Task<AdminResult> EnableAsync(ClaimsPrincipal admin, string userId)
    {
        await RequireAdminAsync(admin);
        return await WithUserAsync(userId, async (users, user) =>
        {
            var result = await users.SetLockoutEndDateAsync(user, null);
            if (result.Succeeded)
            {
                result = await users.ResetAccessFailedCountAsync(user);
            }
            return result.Succeeded ? AdminResult.Done($"{user.Email} can sign in again.") : AdminResult.Failed(Describe(result));
        });
    }

    // Identity's UserManager from a scope of its own, and the user, or the message that they are gone.
    private async Task<AdminResult> WithUserAsync(string userId, Func<UserManager<ApplicationUser>, ApplicationUser, Task<AdminResult>> action)
    {
        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        return await users.FindByIdAsync(userId) is { } user ? await action(users, user) : AdminResult.Failed("That user no longer exists.");
    }

    private async Task<AdminResult> InviteAsync(ClaimsPrincipal admin, string email, string? name, int? customerId, string[] roles, string invitedAs)
    {
        var address = email?.Trim() ?? "";
        // The same parser that sends the invitation decides: an address MimeKit refuses would fail only at sending.
        if (!DeliverableEmailAttribute.IsDeliverable(address))
        {
            return AdminResult.Failed("Enter a valid email address.");
        }
        if (PlainText.HasControlCharacter(name))
        {
            return AdminResult.Failed($"The name contains a control character. {PlainText.ControlCharacterMessage}");
        }
        if (name?.Trim().Length > ApplicationUser.MaxDisplayNameLength)
        {
            return AdminResult.Failed($"The name can have at most {ApplicationUser.MaxDisplayNameLength} characters.");
        }
        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        if (await users.FindByEmailAsync(address) is not null)
        {
            return AdminResult.Failed($"{address} already has an account. Link or change that account instead.");
        }
        var user = ApplicationUser.WithConfirmedEmail(address, string.IsNullOrWhiteSpace(name) ? null : name.Trim(), customerId);
        var result = await users.CreateAsync(user);
        if (result.Succeeded)
        {
            result = await users.AddToRolesAsync(user, roles);
        }
        if (!result.Succeeded)
        {
            return AdminResult.Failed(Describe(result));
        }
        await scope.ServiceProvider.GetRequiredService<AccountEmails>().SendInvitationAsync(user, address, invitedAs);
        logger.LogInformation("{Admin} invited {User} {InvitedAs}", admin.Identity?.Name, address, invitedAs);
        return AdminResult.Done($"{address} is invited: the email's link lets them choose a password.");
    }

    private static async Task<bool> IsStaffAsync(UserManager<ApplicationUser> users, ApplicationUser user) =>
        await users.IsInRoleAsync(user, Roles.Staff) || await users.IsInRoleAsync(user, Roles.Admin);

    // Disabling sets the lockout end to the far future; a 15-minute lockout after wrong passwords is not "disabled".
    private static bool IsDisabled(DateTimeOffset? lockoutEnd) => lockoutEnd is { } end && end > DateTimeOffset.UtcNow.AddYears(100);

    private static bool IsSelf(ClaimsPrincipal admin, ApplicationUser user) =>
        admin.FindFirstValue(ClaimTypes.NameIdentifier) == user.Id;

    private Task RequireAdminAsync(ClaimsPrincipal admin) => StaffAccess.EnsureAsync(authorization, admin, Policies.Admin);

    private static string Describe(IdentityResult result) => string.Join(" ", result.Errors.Select(e => e.Description));
}

/// <param name="Roles">Staff roles, comma-separated; empty for customer users.</param>
public sealed record AccountRow(
    string UserId, string Email, string? DisplayName, bool EmailConfirmed, bool Disabled, string? CustomerNumber, string? CustomerName, string Roles);

public sealed record CustomerChoice(string Number, string Name, string? NotificationEmail)
{
    public override string ToString() => $"{Name} ({Number})";
}

public sealed record AdminResult(bool Succeeded, string Message)
{
    public static AdminResult Done(string message) => new(true, message);

    public static AdminResult Failed(string message) => new(false, message);
}
