using System.Net;
using BacklogPortal.Data.Demo;
using BacklogPortal.Staff.Access;
using BacklogPortal.Staff.Admin;
using BacklogPortal.Staff.Lines;
using BacklogPortal.Staff.Orders;
using BacklogPortal.Staff.Products;
using BacklogPortal.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace BacklogPortal.Tests.Staff;

/// <summary>Every staff page, posted form and service refuses a customer, whatever route it is reached by.</summary>
public sealed class StaffAuthorizationTests(PortalAppFactory factory) : IClassFixture<PortalAppFactory>
{
    public static readonly TheoryData<string> StaffRoutes =
    [
        "/staff/lines",
        "/staff/lines?q=northwind&status=all",
        "/staff/products",
        "/staff/orders/SO-500101",
        "/staff/admin/customer-users",
        "/staff/admin/staff-users",
        "/staff/admin/api-keys",
    ];

    [Theory]
    [MemberData(nameof(StaffRoutes))]
    public async Task CustomerGets403ForEveryStaffPage(string route)
    {
        var client = factory.CreatePortalClient();
        await client.SignInAsync(DemoDataSeeder.AliceEmail, DemoDataSeeder.Password);

        var response = await client.GetFollowingAsync(route);
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.DoesNotContain("Contoso Retail", html);
    }

    [Theory]
    [MemberData(nameof(StaffRoutes))]
    public async Task CustomerGets403ForAFormPostedToAStaffPage(string route)
    {
        var client = factory.CreatePortalClient();
        await client.SignInAsync(DemoDataSeeder.AliceEmail, DemoDataSeeder.Password);

        var response = await client.PostAsync(route, new FormUrlEncodedContent(new Dictionary<string, string> { ["_handler"] = "link", ["userId"] = "x" }));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task StaffWhoIsNotAdminGets403ForAdministration()
    {
        var email = StaffSignIns.UniqueEmail("plainstaff");
        await factory.CreateUserAsync(email, BacklogPortal.Domain.Roles.Staff);
        var client = factory.CreatePortalClient();
        await client.SignInAsync(email, StaffSignIns.Password);

        Assert.Equal(HttpStatusCode.OK, (await client.GetFollowingAsync("/staff/lines")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetFollowingAsync("/staff/admin/api-keys")).StatusCode);
    }

    [Fact]
    public async Task AnonymousVisitorIsSentToSignInFromEveryStaffPage()
    {
        var client = factory.CreatePortalClient();
        foreach (var route in StaffRoutes)
        {
            var response = await client.GetAsync(route);
            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
            Assert.StartsWith("/Account/Login", response.Headers.Location!.PathAndQuery);
        }
    }

    [Fact]
    public async Task StaffServicesRefuseACustomerWhateverCallsThem()
    {
        var alice = await factory.PrincipalOfAsync(DemoDataSeeder.AliceEmail);
        var services = factory.Services;

        await Assert.ThrowsAsync<StaffAccessDeniedException>(() => services.GetRequiredService<StaffLineHistory>().GetAsync(alice, 1));
        await Assert.ThrowsAsync<StaffAccessDeniedException>(() => services.GetRequiredService<StaffOrderView>().GetAsync(alice, "SO-500101"));
        await Assert.ThrowsAsync<StaffAccessDeniedException>(() => services.GetRequiredService<StaffProductsQuery>().GetAsync(alice, null));
        await Assert.ThrowsAsync<StaffAccessDeniedException>(() => services.GetRequiredService<UserAdministration>().UnlinkedUsersAsync(alice));
        await Assert.ThrowsAsync<StaffAccessDeniedException>(() => services.GetRequiredService<UserAdministration>().LinkAsync(alice, "someone", "C-1001"));
    }

    [Fact]
    public async Task AdministrationRefusesStaffWithoutTheAdminRole()
    {
        var email = StaffSignIns.UniqueEmail("staffonly");
        await factory.CreateUserAsync(email, BacklogPortal.Domain.Roles.Staff);
        var staff = await factory.PrincipalOfAsync(email);
        var administration = factory.Services.GetRequiredService<UserAdministration>();

        Assert.NotNull(await factory.Services.GetRequiredService<StaffProductsQuery>().GetAsync(staff, "KB-MX"));
        await Assert.ThrowsAsync<StaffAccessDeniedException>(() => administration.StaffUsersAsync(staff));
        await Assert.ThrowsAsync<StaffAccessDeniedException>(() => administration.InviteStaffAsync(staff, "new@example.test", null, isAdmin: true));
    }
}
