using BacklogPortal.Data;
using BacklogPortal.Domain;
using BacklogPortal.Settings;
using BacklogPortal.Tests.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace BacklogPortal.Tests.Settings;

public static class SettingsTestData
{
    /// <summary>A portal user of the customer, with a confirmed address, made by Identity itself.</summary>
    public static async Task<ApplicationUser> CreateUserAsync(this PortalAppFactory factory, int customerId, string email)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var user = new ApplicationUser { UserName = email, Email = email, EmailConfirmed = true, CustomerId = customerId };
        var result = await users.CreateAsync(user, "Demo-Passw0rd!");
        Assert.True(result.Succeeded, string.Join("; ", result.Errors.Select(e => e.Description)));
        await users.AddToRoleAsync(user, Roles.Customer);
        return user;
    }

    public static NotificationSettings Settings(this PortalAppFactory factory) => factory.Services.GetRequiredService<NotificationSettings>();

    /// <summary>The change that keeps everything as loaded, to vary one thing at a time.</summary>
    public static SettingsChange Unchanged(this NotificationSettingsView view) =>
        new(view.Preference, view.DigestHour, view.Culture, view.TimeZoneId, view.OwnAddressReceives, [], []);
}
