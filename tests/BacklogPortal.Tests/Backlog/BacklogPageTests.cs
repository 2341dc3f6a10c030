using System.Security.Claims;
using Bunit;
using BacklogPortal.Backlog;
using BacklogPortal.Components.Account;
using BacklogPortal.Domain;
using BacklogPortal.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace BacklogPortal.Tests.Backlog;

public sealed class BacklogPageTests : PortalComponentTestContext
{
    private Customer northwind = default!;
    private Customer contoso = default!;
    private Product keyboard = default!;
    private Product console = default!;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        Services.AddSingleton<CustomerBacklog>();
        northwind = await Build.CustomerAsync("Northwind Traders");
        contoso = await Build.CustomerAsync("Contoso Retail");
        keyboard = await Build.ProductAsync("KB-MX-210", "Mechanical Keyboard");
        console = await Build.ProductAsync("CON-NEXT", "Game Console Next", releaseDate: Today.AddDays(40));
    }

    private IRenderedComponent<BacklogPage> RenderAs(Customer customer)
    {
        Authorization.SetAuthorized("alice@example.com");
        Authorization.SetRoles(Roles.Customer);
        Authorization.SetClaims(new Claim(PortalClaims.CustomerId, customer.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        return RenderInteractive<BacklogPage>();
    }

    private static IReadOnlyList<string> RowTexts(IRenderedComponent<BacklogPage> page) =>
        page.FindAll("tbody tr.mud-table-row").Select(row => row.TextContent).ToList();

    [Fact]
    public async Task GridShowsTheCustomersOpenLinesWithTheirDates()
    {
        var order = await Build.OrderAsync(northwind, Today.AddDays(-12), (keyboard, Today.AddDays(6)), (console, Today.AddDays(40)));

        var page = RenderAs(northwind);

        page.WaitForAssertion(() => Assert.Equal(2, RowTexts(page).Count));
        var rows = RowTexts(page);
        Assert.Contains(order.OrderNumber, rows[0]);
        Assert.Contains("Mechanical Keyboard", rows[0]);
        Assert.Contains("Backorder", rows[0]);
        Assert.Contains(Today.AddDays(6).ToString("d MMM yyyy", System.Globalization.CultureInfo.InvariantCulture), rows[0]);
        Assert.Contains("Pre-order", rows[1]);
        Assert.Contains("2 open lines", page.Find("[data-testid=line-count]").TextContent);
        Assert.Contains("Northwind Traders", page.Find("[data-testid=customer-name]").TextContent);
    }

    [Fact]
    public async Task GridNeverShowsAnotherCustomersLines()
    {
        await Build.OrderAsync(northwind, Today.AddDays(-3), (keyboard, Today.AddDays(6)));
        var contosoOrder = await Build.OrderAsync(contoso, Today.AddDays(-3), (keyboard, Today.AddDays(2)), (console, Today.AddDays(40)));

        var page = RenderAs(northwind);

        page.WaitForAssertion(() => Assert.Single(RowTexts(page)));
        Assert.DoesNotContain(contosoOrder.OrderNumber, page.Markup);
        Assert.DoesNotContain("Contoso", page.Markup);
    }

    [Fact]
    public async Task UnknownEtaReadsDateNotYetKnownAndOverdueLinesAreFlagged()
    {
        await Build.OrderAsync(northwind, Today.AddDays(-30), (keyboard, null), (keyboard, Today.AddDays(-4)));

        var page = RenderAs(northwind);

        page.WaitForAssertion(() => Assert.Equal(2, RowTexts(page).Count));
        var rows = RowTexts(page);
        Assert.Contains("Overdue", rows[0]);
        Assert.Contains("Date not yet known", rows[1]);
    }

    [Fact]
    public async Task SecondPageIsFetchedFromTheServer()
    {
        var lines = Enumerable.Range(1, 60).Select(i => (keyboard, (DateOnly?)Today.AddDays(i))).ToArray();
        await Build.OrderAsync(northwind, Today.AddDays(-5), lines);

        var page = RenderAs(northwind);
        page.WaitForAssertion(() => Assert.Equal(50, RowTexts(page).Count));

        await page.InvokeAsync(() => page.FindComponent<MudDataGrid<BacklogLine>>().Instance.NavigateTo(Page.Next));

        page.WaitForAssertion(() => Assert.Equal(10, RowTexts(page).Count));
        Assert.Contains(Today.AddDays(60).ToString("d MMM yyyy", System.Globalization.CultureInfo.InvariantCulture), RowTexts(page)[^1]);
    }

    [Fact]
    public async Task CustomerWithNothingOpenIsToldSo()
    {
        var page = RenderAs(northwind);

        page.WaitForAssertion(() => Assert.Contains("You have no open lines", page.Find("[data-testid=no-lines]").TextContent));
        await Task.CompletedTask;
    }
}
