using System.Security.Claims;
using Bunit;
using BacklogPortal.Backlog;
using BacklogPortal.Components.Account;
using BacklogPortal.Domain;
using BacklogPortal.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.AspNetCore.Components;

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
        page.FindAll("tr[data-testid=backlog-row]").Select(row => row.TextContent).ToList();

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
        Assert.Equal("/backlog?page=2", new Uri(page.Find("[data-testid=next-page]").GetAttribute("href")!, UriKind.Relative).ToString());

        var navigation = Services.GetRequiredService<NavigationManager>();
        await page.InvokeAsync(() => navigation.NavigateTo("/backlog?page=2"));
        page.Render();

        page.WaitForAssertion(() => Assert.Equal(10, RowTexts(page).Count));
        Assert.Contains(Today.AddDays(60).ToString("d MMM yyyy", System.Globalization.CultureInfo.InvariantCulture), RowTexts(page)[^1]);
        Assert.Contains("Page 2 of 2", page.Find("[data-testid=page-position]").TextContent);
    }

    [Fact]
    public async Task TheViewComesFromTheAddressAndEveryChangeGoesBackIntoIt()
    {
        await Build.OrderAsync(northwind, Today.AddDays(-30), (keyboard, Today.AddDays(-4)), (keyboard, Today.AddDays(8)), (console, Today.AddDays(-1)));
        var navigation = Services.GetRequiredService<NavigationManager>();
        navigation.NavigateTo("/backlog?overdue=true&sort=-eta&size=25");

        var page = RenderAs(northwind);

        // Overdue only, latest ETA first: the console (yesterday) before the keyboard (four days ago).
        page.WaitForAssertion(() => Assert.Equal(2, RowTexts(page).Count));
        Assert.Contains("Game Console Next", RowTexts(page)[0]);
        Assert.True(page.Find("[data-testid=overdue-filter]").HasAttribute("checked"));
        Assert.Equal("-eta", page.Find("[data-testid=sort-menu]").GetAttribute("value"));
        Assert.Equal("descending", page.Find("th[aria-sort]").GetAttribute("aria-sort"));
        // The order link carries the view, so that the order page's way back returns to it.
        Assert.EndsWith("?back=" + Uri.EscapeDataString("?overdue=true&sort=-eta&size=25"), page.Find("[data-testid=order-link]").GetAttribute("href"));

        await page.Find("[data-testid=kind-filter]").ChangeAsync(new ChangeEventArgs { Value = "backorder" });
        Assert.Equal("/backlog?kind=backorder&overdue=true&sort=-eta&size=25", new Uri(navigation.Uri).PathAndQuery);

        await page.Find("[data-testid=sort-menu]").ChangeAsync(new ChangeEventArgs { Value = "status" });
        Assert.Equal("/backlog?kind=backorder&overdue=true&sort=status&size=25", new Uri(navigation.Uri).PathAndQuery);
    }

    [Fact]
    public async Task SortLinksOfferTheOtherDirectionOfTheSortedColumn()
    {
        await Build.OrderAsync(northwind, Today.AddDays(-30), (keyboard, Today.AddDays(4)), (console, Today.AddDays(40)));
        Services.GetRequiredService<NavigationManager>().NavigateTo("/backlog?sort=product&q=e");

        var page = RenderAs(northwind);

        page.WaitForAssertion(() => Assert.Equal(2, RowTexts(page).Count));
        Assert.Contains("Game Console Next", RowTexts(page)[0]);
        Assert.Equal("/backlog?q=e&sort=-product", page.Find("[data-testid=sort-product]").GetAttribute("href"));
        Assert.Equal("/backlog?q=e&sort=status", page.Find("[data-testid=sort-status]").GetAttribute("href"));
        Assert.Contains("2 open lines · 10 units · value 100.00", page.Find("[data-testid=line-count]").TextContent);
    }

    [Fact]
    public async Task CustomerWithNothingOpenIsToldSo()
    {
        var page = RenderAs(northwind);

        page.WaitForAssertion(() => Assert.Contains("You have no open lines", page.Find("[data-testid=no-lines]").TextContent));
        await Task.CompletedTask;
    }

    [Fact]
    public async Task AStaffChangeOfALineOnScreenShowsWithAHighlightAndOtherCustomersHearNothing()
    {
        Services.AddSingleton<BacklogPortal.Notifications.OutboxSignal>();
        Services.AddSingleton<BacklogPortal.EtaChanges.EtaChangeService>();
        var order = await Build.OrderAsync(northwind, Today.AddDays(-12), (keyboard, Today.AddDays(6)), (keyboard, Today.AddDays(9)));
        var theirs = await Build.OrderAsync(contoso, Today.AddDays(-12), (keyboard, Today.AddDays(3)));
        var feed = Services.GetRequiredService<LineChangeFeed>();
        await feed.PollOnceAsync();
        var page = RenderAs(northwind);
        page.WaitForAssertion(() => Assert.Equal(2, RowTexts(page).Count));
        Assert.Equal(1, feed.SubscriptionCount);
        var lineIds = page.FindAll("tr[data-testid=backlog-row]").Select(r => int.Parse(r.GetAttribute("data-line-id")!, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        var markupBefore = page.Markup;

        var eta = Services.GetRequiredService<BacklogPortal.EtaChanges.EtaChangeService>();
        var contosoLine = theirs.Lines[0];
        await eta.ChangeAsync(new(BacklogPortal.EtaChanges.EtaChangeTarget.ForLine(contosoLine.Id, contosoLine.Version), Today.AddDays(30),
            EtaReasonCode.Transport, null, ChangeSource.Staff, "staff@example.com"));
        await feed.PollOnceAsync();
        Assert.Equal(markupBefore, page.Markup);

        await eta.ChangeAsync(new(BacklogPortal.EtaChanges.EtaChangeTarget.ForLine(lineIds[0], 0), Today.AddDays(20),
            EtaReasonCode.Transport, null, ChangeSource.Staff, "staff@example.com"));
        await feed.PollOnceAsync();

        // Sorted by ETA, the moved line is now last, highlighted, with its new date.
        page.WaitForAssertion(() =>
        {
            var row = page.Find($"tr[data-line-id='{lineIds[0]}']");
            Assert.Contains(Today.AddDays(20).ToString("d MMM yyyy", System.Globalization.CultureInfo.InvariantCulture), row.TextContent);
            Assert.Contains("row-updated", row.ClassName);
        });
        Assert.Equal(lineIds[0].ToString(System.Globalization.CultureInfo.InvariantCulture), page.FindAll("tr[data-testid=backlog-row]")[^1].GetAttribute("data-line-id"));
        Assert.DoesNotContain("row-updated", page.Find($"tr[data-line-id='{lineIds[1]}']").ClassName);
        Assert.DoesNotContain(theirs.OrderNumber, page.Markup);

        page.Instance.Dispose();
        Assert.Equal(0, feed.SubscriptionCount);
    }
}
