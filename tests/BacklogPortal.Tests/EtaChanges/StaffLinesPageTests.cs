using System.Net;
using BacklogPortal.Data.Demo;
using BacklogPortal.Staff;
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
        Assert.Contains("staff-lines-grid", html);
        Assert.Contains("Change ETA for a SKU", html);
    }

    [Fact]
    public async Task StaffQueryFiltersAcrossCustomersBySkuCustomerAndOverdue()
    {
        var query = factory.Services.GetRequiredService<StaffBacklogQuery>();
        var page = new StaffLinesPaging(PageSize: 200);

        var all = await query.GetLinesAsync(new StaffLinesFilter(), page);
        var northwind = await query.GetLinesAsync(new StaffLinesFilter { Customer = "C-1001" }, page);
        var keyboards = await query.GetLinesAsync(new StaffLinesFilter { Sku = "KB-MX-210" }, page);
        var overdue = await query.GetLinesAsync(new StaffLinesFilter { Overdue = true }, page);
        var skus = await query.SearchSkusAsync("KB-MX");

        Assert.True(all.Lines.Select(l => l.CustomerName).Distinct().Count() > 1);
        Assert.NotEmpty(northwind.Lines);
        Assert.All(northwind.Lines, l => Assert.Equal("Northwind Traders", l.CustomerName));
        Assert.NotEmpty(keyboards.Lines);
        Assert.All(keyboards.Lines, l => Assert.Equal("KB-MX-210", l.Sku));
        Assert.NotEmpty(overdue.Lines);
        Assert.All(overdue.Lines, l => Assert.True(l.IsOverdueOn(overdue.Today)));
        Assert.All(all.Lines, l => Assert.Contains(l.Status, new[] { BacklogPortal.Domain.LineStatus.Open, BacklogPortal.Domain.LineStatus.PartiallyShipped }));
        Assert.Equal(keyboards.TotalCount, Assert.Single(skus).OpenLines);
    }

    [Fact]
    public async Task StaffSearchIgnoresCaseAndFindsTheSameLinesAsTheCustomerFilter()
    {
        var query = factory.Services.GetRequiredService<StaffBacklogQuery>();
        var page = new StaffLinesPaging(PageSize: 200);

        var lower = await query.GetLinesAsync(new StaffLinesFilter { Q = "northwind" }, page);
        var upper = await query.GetLinesAsync(new StaffLinesFilter { Q = "NORTHWIND TRADERS" }, page);
        var byCustomer = await query.GetLinesAsync(new StaffLinesFilter { Customer = "C-1001" }, page);

        Assert.NotEqual(0, byCustomer.TotalCount);
        Assert.Equal(byCustomer.TotalCount, lower.TotalCount);
        Assert.Equal(byCustomer.Lines.Select(l => l.LineId).Order(), lower.Lines.Select(l => l.LineId).Order());
        Assert.Equal(lower.TotalCount, upper.TotalCount);
        Assert.Equal(await query.SearchSkusAsync("KB-MX"), await query.SearchSkusAsync("kb-mx"));
    }
}
