using System.Text.RegularExpressions;
using BacklogPortal.Data;
using BacklogPortal.Data.Demo;
using BacklogPortal.Domain;
using BacklogPortal.EndToEnd.Infrastructure;
using Deque.AxeCore.Playwright;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BacklogPortal.EndToEnd.Staff;

/// <summary>Shipments and cancellations of selected lines on /staff/lines, and what the customer then sees.</summary>
public sealed class FulfilmentTests(PortalServer server) : PortalTest(server)
{
    private static readonly string[] Blocking = ["serious", "critical"];

    [Fact]
    public Task StaffShipPartOfOneSelectedLineAndAllOfAnotherAndTheCustomerSeesTheShippedQuantity() => InBrowserAsync(async page =>
    {
        var (order, partial, full) = await TwoUntouchedLinesAsync("Northwind Traders", skip: 0);

        await page.SignInAsync(DemoDataSeeder.StaffEmail, DemoDataSeeder.Password);
        await page.GotoAsync($"staff/lines?order={order}");
        await Expect(page.GetByTestId("change-sku-eta")).ToBeEnabledAsync();
        await Row(page, partial).GetByTestId("select-line").CheckAsync();
        await Row(page, full).GetByTestId("select-line").CheckAsync();
        await Expect(page.GetByTestId("selection-count")).ToHaveTextAsync("2 lines selected");
        await page.GetByTestId("ship-selected").ClickAsync();

        var dialog = page.GetByTestId("fulfil-lines-dialog");
        await Expect(dialog.GetByTestId("fulfil-line")).ToHaveCountAsync(2);
        var quantity = dialog.Locator($"[data-testid=fulfil-line][data-line-id='{partial.Id}'] input");
        await quantity.FillAsync("1");
        await quantity.PressAsync("Tab");
        await dialog.GetByTestId("fulfil-carrier").FillAsync("DHL");
        await dialog.GetByTestId("fulfil-tracking").FillAsync("JD0012345");
        await Expect(dialog.GetByTestId("fulfil-outcome")).ToHaveTextAsync(
            $"1 line is fully shipped and leaves the backlog; 1 line stays open with {partial.Open - 1} {(partial.Open - 1 == 1 ? "unit" : "units")}.");
        await page.SaveScreenshotIfRequestedAsync("staff-fulfil-preview");
        await page.GetByTestId("fulfil-confirm").ClickAsync();
        await Expect(dialog).ToHaveCountAsync(0);

        // The open backlog: the partly shipped line with its new open quantity, the fully shipped one gone.
        await Expect(Row(page, partial)).ToContainTextAsync($"{partial.Open - 1} of {partial.Ordered}");
        await Expect(Row(page, full)).ToHaveCountAsync(0);

        var alice = await AnotherBrowserAsync();
        await alice.SignInAsync(DemoDataSeeder.AliceEmail, DemoDataSeeder.Password);
        await alice.GotoAsync($"backlog?q={Uri.EscapeDataString(order)}");
        var row = alice.Locator($"[data-testid=backlog-row][data-line-id='{partial.Id}']");
        await Expect(row).ToContainTextAsync($"{partial.Open - 1} of {partial.Ordered}");
        await Expect(row).ToContainTextAsync($"{partial.Shipped + 1} shipped");
        await Expect(alice.Locator($"[data-testid=backlog-row][data-line-id='{full.Id}']")).ToHaveCountAsync(0);
    });

    [Fact]
    public Task TheCancellationDialogPassesAxeAndWorksByKeyboardAtPhoneWidth() => InBrowserAsync(async page =>
    {
        var (order, first, second) = await TwoUntouchedLinesAsync("Contoso Retail", skip: 0);

        await page.SignInAsync(DemoDataSeeder.StaffEmail, DemoDataSeeder.Password);
        await page.GotoAsync($"staff/lines?order={order}");
        await Expect(page.GetByTestId("change-sku-eta")).ToBeEnabledAsync();
        await Row(page, first).GetByTestId("select-line").CheckAsync();
        await Row(page, second).GetByTestId("select-line").CheckAsync();
        await page.GetByTestId("cancel-selected").FocusAsync();
        await page.Keyboard.PressAsync("Enter");

        var dialog = page.GetByTestId("fulfil-lines-dialog");
        await Expect(dialog.GetByTestId("fulfil-line")).ToHaveCountAsync(2);
        var result = await page.Locator(".mud-dialog").RunAxe();
        var blocking = result.Violations.Where(v => Blocking.Contains(v.Impact)).ToList();
        Assert.True(blocking.Count == 0, string.Join("; ", blocking.Select(v => $"{v.Id} ({v.Impact}): {v.Help} at {string.Join(", ", v.Nodes.Select(n => n.Target?.ToString()))}")));
        Assert.Equal(0, await page.HorizontalOverflowAsync());

        // Without a reason nothing is cancelled, and the field says why; the keyboard reaches every input.
        await dialog.GetByTestId("fulfil-reason").FocusAsync();
        await page.Keyboard.PressAsync("Tab");
        await Expect(dialog.Locator($"[data-testid=fulfil-line][data-line-id='{first.Id}'] input")).ToBeFocusedAsync();
        await page.GetByTestId("fulfil-confirm").ClickAsync();
        await Expect(dialog).ToContainTextAsync("Say why the quantity is cancelled");
        await page.SaveScreenshotIfRequestedAsync("staff-fulfil-phone");
        await page.Keyboard.PressAsync("Escape");
        await Expect(dialog).ToHaveCountAsync(0);

        await using var db = await Server.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
        Assert.Equal(0, await db.OrderLines.Where(l => l.Id == first.Id || l.Id == second.Id).SumAsync(l => l.QuantityCancelled));
    }, Phone);

    private static ILocator Row(IPage page, DemoLine line) =>
        page.GetByTestId("staff-lines-grid").Locator("tbody tr")
            .Filter(new LocatorFilterOptions { Has = page.Locator($"input[aria-label='Select {line.OrderNumber} line {line.LineNumber}']") });

    private sealed record DemoLine(int Id, string OrderNumber, int LineNumber, int Ordered, int Shipped, int Open);

    /// <summary>
    /// Two open lines of one order of the customer that no other test touches: nothing cancelled, no answer pending,
    /// the newest such order first (the other tests pick the oldest lines).
    /// </summary>
    private async Task<(string Order, DemoLine First, DemoLine Second)> TwoUntouchedLinesAsync(string customer, int skip)
    {
        await using var db = await Server.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
        var lines = await db.OrderLines
            .Where(l => l.Order!.Customer!.Name == customer && l.Status == LineStatus.Open && l.QuantityCancelled == 0 && !l.ConsentRequired
                && l.QuantityOrdered - l.QuantityShipped >= 2)
            .Select(l => new { l.Id, l.OrderId, l.Order!.OrderNumber, l.LineNumber, l.QuantityOrdered, l.QuantityShipped })
            .ToListAsync();
        var order = lines.GroupBy(l => l.OrderId).Where(g => g.Count() >= 2).OrderByDescending(g => g.Key).Skip(skip).FirstOrDefault();
        Assert.True(order is not null, $"The demo data should give {customer} an order with two open lines.");
        var picked = order.OrderBy(l => l.LineNumber).Take(2)
            .Select(l => new DemoLine(l.Id, l.OrderNumber, l.LineNumber, l.QuantityOrdered, l.QuantityShipped, l.QuantityOrdered - l.QuantityShipped))
            .ToList();
        return (picked[0].OrderNumber, picked[0], picked[1]);
    }
}
