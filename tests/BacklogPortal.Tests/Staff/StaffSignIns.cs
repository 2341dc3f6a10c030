using System.Security.Claims;
using BacklogPortal.Data;
using BacklogPortal.Domain;
using BacklogPortal.Tests.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace BacklogPortal.Tests.Staff;

/// <summary>Users and the principals the app builds for them, created through Identity like the portal does.</summary>
internal static class StaffSignIns
{
    public const string Password = "Test-Passw0rd!";

    /// <summary>The principal the app's cookie would carry for <paramref name="email"/> (roles and claims included).</summary>
    public static async Task<ClaimsPrincipal> PrincipalOfAsync(this PortalAppFactory factory, string email)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var signIn = scope.ServiceProvider.GetRequiredService<SignInManager<ApplicationUser>>();
        var user = await users.FindByEmailAsync(email) ?? throw new InvalidOperationException($"No user {email}.");
        return await signIn.CreateUserPrincipalAsync(user);
    }

    /// <summary>A confirmed user with a password and the given roles; no customer account.</summary>
    public static async Task<ApplicationUser> CreateUserAsync(this PortalAppFactory factory, string email, params string[] roles)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var user = new ApplicationUser { UserName = email, Email = email, EmailConfirmed = true, DisplayName = "Test user" };
        Check(await users.CreateAsync(user, Password));
        if (roles.Length > 0)
        {
            Check(await users.AddToRolesAsync(user, roles));
        }
        return user;
    }

    /// <summary>GET that follows redirects itself (the sign-in helper needs a client that does not).</summary>
    public static async Task<HttpResponseMessage> GetFollowingAsync(this HttpClient client, string url)
    {
        var response = await client.GetAsync(url);
        for (var hops = 0; hops < 5 && response.StatusCode is System.Net.HttpStatusCode.Redirect or System.Net.HttpStatusCode.Found; hops++)
        {
            response = await client.GetAsync(response.Headers.Location!);
        }
        return response;
    }

    public static string UniqueEmail(string name) => $"{name}-{Guid.NewGuid():n}"[..(name.Length + 9)] + "@example.test";

    private static void Check(IdentityResult result)
    {
        if (!result.Succeeded)
        {
            throw new InvalidOperationException(string.Join(" ", result.Errors.Select(e => e.Description)));
        }
    }
}
