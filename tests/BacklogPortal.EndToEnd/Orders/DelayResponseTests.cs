using System.Text.RegularExpressions;
using BacklogPortal.Data;
using BacklogPortal.Data.Demo;
using BacklogPortal.Domain;
using BacklogPortal.EndToEnd.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BacklogPortal.EndToEnd.Orders;

public sealed class DelayResponseTests(PortalServer server) : PortalTest(server)
{
    [Fact]
    public Task CustomerAcceptsANewDateFromTheEmailLink() => InBrowserAsync(async page =>
    {
        var line = await LineAwaitingDecisionAsync("Northwind Traders");

        await page.SignInAsync(DemoDataSeeder.AliceEmail, DemoDataSeeder.Password);
        await Expect(page).ToHaveURLAsync(new Regex("/backlog$"));
        // The link exactly as the delay email writes it.
        await page.GotoAsync($"orders/{line.OrderNumber}?line={line.Id}&respond=accept");

        var dialog = page.GetByTestId("respond-dialog");
        await Expect(dialog).ToBeVisibleAsync();
        Assert.Equal(CustomerResponse.None, (await ReloadAsync(line.Id)).CustomerResponse);
        await page.GetByTestId("respond-confirm").ClickAsync();

        var card = page.Locator($"[data-testid=order-line][data-line-id='{line.Id}']");
        await Expect(card.Locator("[data-testid=eta-history-item][data-kind=response]")).ToBeVisibleAsync();
        var saved = await ReloadAsync(line.Id);
        Assert.Equal(CustomerResponse.AcceptedNewDate, saved.CustomerResponse);
        Assert.Equal(DemoDataSeeder.AliceEmail, saved.CustomerRespondedBy);
    });

    private async Task<(int Id, string OrderNumber)> LineAwaitingDecisionAsync(string customerName)
    {
        await using var db = await Db();
        var line = await db.OrderLines
            .Where(l => l.Order!.Customer!.Name == customerName && l.ConsentRequired && l.CustomerResponse == CustomerResponse.None
                && (l.Status == LineStatus.Open || l.Status == LineStatus.PartiallyShipped))
            .OrderBy(l => l.Id)
            .Select(l => new { l.Id, l.Order!.OrderNumber })
            .FirstOrDefaultAsync();
        Assert.True(line is not null, $"The demo data should give {customerName} a delay that needs a decision.");
        return (line.Id, line.OrderNumber);
    }

    private async Task<OrderLine> ReloadAsync(int lineId)
    {
        await using var db = await Db();
        return await db.OrderLines.AsNoTracking().SingleAsync(l => l.Id == lineId);
    }

    private Task<PortalDbContext> Db() =>
        Server.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
}
