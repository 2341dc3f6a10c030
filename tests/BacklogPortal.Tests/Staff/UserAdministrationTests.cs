using System.Net;
using System.Text.RegularExpressions;
using BacklogPortal.Data;
using BacklogPortal.Data.Demo;
using BacklogPortal.Domain;
using BacklogPortal.Staff.Admin;
using BacklogPortal.Tests.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;

namespace BacklogPortal.Tests.Staff;

/// <summary>The portal with cookies and circuits revalidated on every request, so a test sees an admin's action at once.</summary>
public sealed class RevalidateAtOncePortalFactory : PortalAppFactory
{
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Identity:SecurityStamp:ValidationInterval"] = "00:00:00",
    };
}

public sealed partial class UserAdministrationTests(RevalidateAtOncePortalFactory factory) : IClassFixture<RevalidateAtOncePortalFactory>
{
    private UserAdministration Administration => factory.Services.GetRequiredService<UserAdministration>();

    [Fact]
    public async Task LinkingASelfRegisteredUserMakesTheirCompanysBacklogAppear()
    {
        var email = StaffSignIns.UniqueEmail("buyer");
        var registered = await factory.CreateUserAsync(email);
        var client = factory.CreatePortalClient();
        await client.SignInAsync(email, StaffSignIns.Password);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetFollowingAsync("/backlog")).StatusCode);
        var admin = await factory.PrincipalOfAsync(DemoDataSeeder.StaffEmail);
        Assert.Contains(await Administration.UnlinkedUsersAsync(admin), u => u.Email == email);

        var result = await Administration.LinkAsync(admin, registered.Id, "C-1002");

        Assert.True(result.Succeeded, result.Message);
        Assert.DoesNotContain(await Administration.UnlinkedUsersAsync(admin), u => u.Email == email);
        // The same browser session picks the link up at its next request (cookie revalidation), no new sign-in.
        var response = await client.GetFollowingAsync("/backlog");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("Contoso Retail", html);
    }

    [Fact]
    public async Task CustomersAreFoundByNameNumberAndEmailDomain()
    {
        var admin = await factory.PrincipalOfAsync(DemoDataSeeder.StaffEmail);

        Assert.Equal("C-1003", Assert.Single(await Administration.FindCustomersAsync(admin, "fabrikam")).Number);
        Assert.Equal("Northwind Traders", Assert.Single(await Administration.FindCustomersAsync(admin, "C-1001")).Name);
        // alice@example.com belongs to Northwind, bob@example.com to Contoso: a shared domain finds both.
        var byDomain = await Administration.FindCustomersAsync(admin, "@example.com");
        Assert.Contains(byDomain, c => c.Number == "C-1001");
        Assert.Contains(byDomain, c => c.Number == "C-1002");
        Assert.Equal("C-1004", Assert.Single(await Administration.FindCustomersAsync(admin, "adventure-works.example")).Number);
    }

    [Fact]
    public async Task ADisabledStaffUserIsSignedOutAndCannotSignInAgain()
    {
        var email = StaffSignIns.UniqueEmail("leaver");
        var leaver = await factory.CreateUserAsync(email, Roles.Staff);
        var client = factory.CreatePortalClient();
        await client.SignInAsync(email, StaffSignIns.Password);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/staff/lines")).StatusCode);

        var result = await Administration.DisableAsync(await factory.PrincipalOfAsync(DemoDataSeeder.StaffEmail), leaver.Id);

        Assert.True(result.Succeeded, result.Message);
        var afterwards = await client.GetAsync("/staff/lines");
        Assert.Equal(HttpStatusCode.Redirect, afterwards.StatusCode);
        Assert.StartsWith("/Account/Login", afterwards.Headers.Location!.PathAndQuery);
        var signIn = await factory.CreatePortalClient().PostSignInAsync(email, StaffSignIns.Password);
        Assert.Contains("Lockout", signIn.Headers.Location?.ToString() ?? await signIn.Content.ReadAsStringAsync());
        Assert.Contains(await Administration.StaffUsersAsync(await factory.PrincipalOfAsync(DemoDataSeeder.StaffEmail)), u => u.Email == email && u.Disabled);
    }

    [Fact]
    public async Task AnAdministratorCannotDisableThemselvesOrDropTheirOwnAdminRole()
    {
        var admin = await factory.PrincipalOfAsync(DemoDataSeeder.StaffEmail);
        var self = (await Administration.StaffUsersAsync(admin)).Single(u => u.Email == DemoDataSeeder.StaffEmail);

        Assert.False((await Administration.DisableAsync(admin, self.UserId)).Succeeded);
        Assert.False((await Administration.SetStaffRolesAsync(admin, self.UserId, staff: true, isAdmin: false)).Succeeded);
        Assert.Contains("Admin", (await Administration.StaffUsersAsync(admin)).Single(u => u.Email == DemoDataSeeder.StaffEmail).Roles);
    }

    [Theory]
    [InlineData("x\"@example.com", "New Contact", "valid email address")]
    [InlineData("{0}", "New\0Contact", "control character")]
    [InlineData("{0}", "{1}", "at most 100 characters")]
    public async Task AnInvitationWithAnAddressMimeKitRefusesOrABadNameIsRefusedAndCreatesNoAccount(string emailPattern, string namePattern, string message)
    {
        var fresh = StaffSignIns.UniqueEmail("refused");
        var email = string.Format(emailPattern, fresh);
        var name = string.Format(namePattern, fresh, new string('n', ApplicationUser.MaxDisplayNameLength + 1));

        var result = await Administration.InviteCustomerContactAsync(await factory.PrincipalOfAsync(DemoDataSeeder.StaffEmail), email, name, "C-1005");

        Assert.False(result.Succeeded);
        Assert.Contains(message, result.Message);
        await using var scope = factory.Services.CreateAsyncScope();
        Assert.Null(await scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>().FindByEmailAsync(email));
    }

    [Fact]
    public async Task AnInvitedContactChoosesTheirPasswordFromTheEmailAndBelongsToTheCustomer()
    {
        var email = StaffSignIns.UniqueEmail("contact");

        var result = await Administration.InviteCustomerContactAsync(await factory.PrincipalOfAsync(DemoDataSeeder.StaffEmail), email, "New Contact", "C-1005");

        Assert.True(result.Succeeded, result.Message);
        var message = await factory.Smtp.WaitForMessageAsync(m => m.To.Mailboxes.Any(a => a.Address == email));
        Assert.Contains("invited", message.Subject, StringComparison.OrdinalIgnoreCase);
        var link = ResetLink().Match(message.TextBody ?? "");
        Assert.True(link.Success, message.TextBody);
        var code = System.Text.Encoding.UTF8.GetString(WebEncoders.Base64UrlDecode(QueryHelpers.ParseQuery(new Uri(link.Value).Query)["code"]!));
        await using var scope = factory.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var invited = (await users.FindByEmailAsync(email))!;
        Assert.False(await users.HasPasswordAsync(invited));
        Assert.True((await users.ResetPasswordAsync(invited, code, StaffSignIns.Password)).Succeeded);

        var client = factory.CreatePortalClient();
        await client.SignInAsync(email, StaffSignIns.Password);
        var backlog = await client.GetFollowingAsync("/backlog");
        Assert.Equal(HttpStatusCode.OK, backlog.StatusCode);
        Assert.Contains("Tailspin Toys", await backlog.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task UnlinkingEndsTheUsersAccessToTheCustomersBacklog()
    {
        var email = StaffSignIns.UniqueEmail("moved");
        var user = await factory.CreateUserAsync(email);
        var admin = await factory.PrincipalOfAsync(DemoDataSeeder.StaffEmail);
        Assert.True((await Administration.LinkAsync(admin, user.Id, "C-1006")).Succeeded);
        var client = factory.CreatePortalClient();
        await client.SignInAsync(email, StaffSignIns.Password);
        Assert.Equal(HttpStatusCode.OK, (await client.GetFollowingAsync("/backlog")).StatusCode);

        Assert.True((await Administration.UnlinkAsync(admin, user.Id)).Succeeded);

        var response = await client.GetFollowingAsync("/backlog");
        Assert.DoesNotContain("Wide World Importers", await response.Content.ReadAsStringAsync());
        Assert.Contains(await Administration.UnlinkedUsersAsync(admin), u => u.Email == email);
    }

    [GeneratedRegex(@"https?://\S+/Account/ResetPassword\?code=[A-Za-z0-9_\-]+")]
    private static partial Regex ResetLink();
}
