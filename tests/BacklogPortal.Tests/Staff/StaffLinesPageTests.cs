using System.Net;
using BacklogPortal.Data;
using BacklogPortal.Data.Demo;
using BacklogPortal.Domain;
using BacklogPortal.Staff.Lines;
using BacklogPortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BacklogPortal.Tests.Staff;

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
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        // The expectations, counted straight from the demo data with literal statuses, not with the query's rules.
        await using var db = await factory.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
        var open = db.OrderLines.Where(l => l.Status == LineStatus.Open || l.Status == LineStatus.PartiallyShipped);
        var openCount = await open.CountAsync();
        var northwindCount = await open.CountAsync(l => db.Customers.Any(c => c.Id == l.CustomerId && c.Name == "Northwind Traders"));
        var keyboardCount = await open.CountAsync(l => l.Product!.Sku == "KB-MX-210");
        var overdueCount = await open.CountAsync(l => l.Eta != null && l.Eta < today);

        var page = new StaffLinesPaging(PageSize: StaffBacklogQuery.MaxPageSize);
        var all = await query.GetLinesAsync(new BacklogPortal.Staff.StaffLinesFilter(), page);
        var northwind = await query.GetLinesAsync(new BacklogPortal.Staff.StaffLinesFilter { Customer = "C-1001" }, page);
        var keyboards = await query.GetLinesAsync(new BacklogPortal.Staff.StaffLinesFilter { Sku = "KB-MX-210" }, page);
        var overdue = await query.GetLinesAsync(new BacklogPortal.Staff.StaffLinesFilter { Overdue = true }, page);
        var skus = await query.SearchSkusAsync("KB-MX");

        Assert.True(northwindCount is > 0 and <= StaffBacklogQuery.MaxPageSize, $"{northwindCount} Northwind lines");
        Assert.True(keyboardCount > 0 && overdueCount > 0, $"{keyboardCount} keyboard lines, {overdueCount} overdue");
        Assert.Equal(openCount, all.TotalCount);
        Assert.True(all.Lines.Select(l => l.CustomerName).Distinct().Count() > 1);
        Assert.Equal(northwindCount, northwind.TotalCount);
        Assert.Equal(northwindCount, northwind.Lines.Count);
        Assert.All(northwind.Lines, l => Assert.Equal("Northwind Traders", l.CustomerName));
        Assert.Equal(keyboardCount, keyboards.TotalCount);
        Assert.All(keyboards.Lines, l => Assert.Equal("KB-MX-210", l.Sku));
        Assert.Equal(overdueCount, overdue.TotalCount);
        Assert.All(overdue.Lines, l => Assert.True(l.State.Eta < today, $"{l.OrderNumber}/{l.LineNumber} is due {l.State.Eta}"));
        Assert.Equal(keyboardCount, Assert.Single(skus).OpenLines);
    }

    [Fact]
    public async Task StaffSearchIgnoresCaseAndFindsTheSameLinesAsTheCustomerFilter()
    {
        var query = factory.Services.GetRequiredService<StaffBacklogQuery>();
        var page = new StaffLinesPaging(PageSize: StaffBacklogQuery.MaxPageSize);

        var lower = await query.GetLinesAsync(new BacklogPortal.Staff.StaffLinesFilter { Q = "northwind" }, page);
        var upper = await query.GetLinesAsync(new BacklogPortal.Staff.StaffLinesFilter { Q = "NORTHWIND TRADERS" }, page);
        var byCustomer = await query.GetLinesAsync(new BacklogPortal.Staff.StaffLinesFilter { Customer = "C-1001" }, page);

        Assert.NotEqual(0, byCustomer.TotalCount);
        Assert.Equal(byCustomer.TotalCount, lower.TotalCount);
        Assert.Equal(byCustomer.Lines.Select(l => l.LineId).Order(), lower.Lines.Select(l => l.LineId).Order());
        Assert.Equal(lower.TotalCount, upper.TotalCount);
        Assert.Equal(await query.SearchSkusAsync("KB-MX"), await query.SearchSkusAsync("kb-mx"));
    }
}
