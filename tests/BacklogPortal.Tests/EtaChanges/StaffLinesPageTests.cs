using System.Net;
using BacklogPortal.Data.Demo;
using BacklogPortal.Staff.Lines;
using BacklogPortal.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace BacklogPortal.Tests.EtaChanges;

public sealed class StaffLinesPageTests(PortalAppFactory factory) : IClassFixture<PortalAppFactory>
{
    [Fact]
    public async Task AnonymousVisitorIsSentToSignIn()
    {
        var response = await factory.CreatePortalClient().GetAsync("/staff/lines");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/Account/Login", response.Headers.Location!.PathAndQuery);
    }

    [Fact]
    public async Task CustomerCannotOpenTheStaffLines()
    {
        var client = factory.CreatePortalClient();
        await client.SignInAsync(DemoDataSeeder.AliceEmail, DemoDataSeeder.Password);

        var response = await client.GetAsync("/staff/lines");
        var html = await response.Content.ReadAsStringAsync();

        Assert.NotEqual(HttpStatusCode.OK, response.StatusCode);
        Assert.DoesNotContain("staff-lines-grid", html);
        Assert.DoesNotContain("Contoso Retail", html);
    }

    [Fact]
    public async Task StaffSeesTheLinesWorkspace()
    {
        var client = factory.CreatePortalClient();
        await client.SignInAsync(DemoDataSeeder.StaffEmail, DemoDataSeeder.Password);

        var response = await client.GetAsync("/staff/lines");
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("All open lines", html);
        Assert.Contains("Change ETA for a SKU", html);
    }

    [Fact]
    public async Task StaffQueryFiltersAcrossCustomersBySkuCustomerAndOverdue()
    {
        var query = factory.Services.GetRequiredService<StaffBacklogQuery>();

        var all = await query.GetOpenLinesAsync(new StaffLinesFilter(PageSize: 200));
        var northwind = await query.GetOpenLinesAsync(new StaffLinesFilter(Customer: "Northwind", PageSize: 200));
        var keyboards = await query.GetOpenLinesAsync(new StaffLinesFilter(Sku: "KB-MX-210", PageSize: 200));
        var overdue = await query.GetOpenLinesAsync(new StaffLinesFilter(OverdueOnly: true, PageSize: 200));
        var skus = await query.SearchSkusAsync("KB-MX");

        Assert.True(all.Lines.Select(l => l.CustomerName).Distinct().Count() > 1);
        Assert.NotEmpty(northwind.Lines);
        Assert.All(northwind.Lines, l => Assert.Equal("Northwind Traders", l.CustomerName));
        Assert.All(keyboards.Lines, l => Assert.Equal("KB-MX-210", l.Sku));
        Assert.All(overdue.Lines, l => Assert.True(l.IsOverdueOn(overdue.Today)));
        Assert.All(all.Lines, l => Assert.Contains(l.Status, new[] { BacklogPortal.Domain.LineStatus.Open, BacklogPortal.Domain.LineStatus.PartiallyShipped }));
        Assert.Equal(keyboards.TotalCount, Assert.Single(skus).OpenLines);
    }

    [Fact]
    public async Task StaffSearchIgnoresCase()
    {
        var query = factory.Services.GetRequiredService<StaffBacklogQuery>();

        var typed = await query.GetOpenLinesAsync(new StaffLinesFilter(Customer: "northwind", Sku: "kb-mx", PageSize: 200));
        var exact = await query.GetOpenLinesAsync(new StaffLinesFilter(Customer: "Northwind", Sku: "KB-MX", PageSize: 200));

        Assert.NotEqual(0, exact.TotalCount);
        Assert.Equal(exact.Lines.Select(l => l.LineId), typed.Lines.Select(l => l.LineId));
        Assert.Equal(await query.SearchSkusAsync("KB-MX"), await query.SearchSkusAsync("kb-mx"));
    }
}
