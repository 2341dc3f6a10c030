using System.Text.RegularExpressions;
using BacklogPortal.Data.Demo;
using BacklogPortal.EndToEnd.Infrastructure;

namespace BacklogPortal.EndToEnd.Backlog;

public sealed class BacklogPageTests(PortalServer server) : PortalTest(server)
{
    [Fact]
    public Task CustomerSignsInAndSeesTheirBacklog() => InBrowserAsync(async page =>
    {
        var northwindOrders = await Server.OrderNumbersOfAsync("Northwind Traders");
        var contosoOrders = await Server.OrderNumbersOfAsync("Contoso Retail");

        await page.GotoAsync("Account/Login");
        await page.SaveScreenshotIfRequestedAsync("sign-in");
        await page.SignInAsync(DemoDataSeeder.AliceEmail, DemoDataSeeder.Password);

        await Expect(page).ToHaveURLAsync(new Regex("/backlog$"));
        var rows = page.BacklogRows();
        await Expect(rows.First).ToBeVisibleAsync();
        await Expect(page.GetByTestId("customer-name")).ToHaveTextAsync("Northwind Traders");
        await page.SaveScreenshotIfRequestedAsync("backlog");

        var firstPage = await page.BacklogOrderNumbersAsync();
        Assert.Equal(50, firstPage.Count);
        Assert.All(firstPage, number => Assert.Contains(number, northwindOrders));
        Assert.Empty(firstPage.Intersect(contosoOrders));
        var firstPageRows = await rows.AllInnerTextsAsync();

        await page.WaitForInteractiveAsync("backlog-page");
        await page.GetByRole(AriaRole.Link, new PageGetByRoleOptions { Name = "Next", Exact = true }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex(@"/backlog\?page=2$"));
        // The address changes at once, the lines once the server has read them (with the pager, in the same render).
        await Expect(page.GetByTestId("page-position")).ToContainTextAsync("Page 2 of");

        await Expect(rows.First).Not.ToHaveTextAsync(firstPageRows[0]);
        var secondPageRows = await rows.AllInnerTextsAsync();
        Assert.NotEmpty(secondPageRows);
        Assert.Empty(secondPageRows.Intersect(firstPageRows));
        var secondPage = await page.BacklogOrderNumbersAsync();
        Assert.All(secondPage, number => Assert.Contains(number, northwindOrders));
    });

    [Fact]
    public Task BacklogIsUsableOnAPhone() => InBrowserAsync(async page =>
    {
        await page.SignInAsync(DemoDataSeeder.AliceEmail, DemoDataSeeder.Password);

        await Expect(page).ToHaveURLAsync(new Regex("/backlog$"));
        var rows = page.BacklogRows();
        await Expect(rows.First).ToBeVisibleAsync();
        await Expect(rows.First).ToBeInViewportAsync(new LocatorAssertionsToBeInViewportOptions { Ratio = 0.1f });
        Assert.Equal(0, await page.HorizontalOverflowAsync());
        await page.SaveScreenshotIfRequestedAsync("backlog-phone");
    }, Phone);
}
