using System.Globalization;
using System.Text.RegularExpressions;
using BacklogPortal.Data;
using BacklogPortal.Data.Demo;
using BacklogPortal.Domain;
using BacklogPortal.EndToEnd.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BacklogPortal.EndToEnd.Staff;

public sealed class StaffWorkspaceTests(PortalServer server) : PortalTest(server)
{
    [Fact]
    public Task StaffMovesAllOpenLinesOfASkuAndTheCustomerSeesTheNewDate() => InBrowserAsync(async page =>
    {
        const string sku = "PSU-850-GLD";
        var order = await OpenOrderOfAsync("Northwind Traders", sku);
        var newEta = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(97);
        var shown = newEta.ToString("d MMM yyyy", CultureInfo.InvariantCulture);

        await page.SignInAsync(DemoDataSeeder.StaffEmail, DemoDataSeeder.Password);
        await page.GotoAsync($"staff/lines?sku={sku}");
        await Expect(page.GetByTestId("line-count")).ToHaveTextAsync(new Regex(@"^\d+ lines?$"));
        await page.GetByTestId("open-line").First.ClickAsync();
        await page.GetByTestId("change-line-sku-eta").ClickAsync();
        await FillEtaChangeAsync(page, shown, "Supplier delay");
        await page.GetByTestId("eta-preview-button").ClickAsync();
        await Expect(page.GetByTestId("eta-preview")).ToContainTextAsync("will change");
        await page.GetByTestId("eta-confirm").ClickAsync();
        await Expect(page.GetByTestId("change-eta-dialog")).ToHaveCountAsync(0);

        var alice = await AnotherBrowserAsync();
        await alice.SignInAsync(DemoDataSeeder.AliceEmail, DemoDataSeeder.Password);
        // The backlog's search is in its address (q).
        await alice.GotoAsync($"backlog?q={Uri.EscapeDataString(order)}");
        var row = alice.BacklogRows().Filter(new LocatorFilterOptions { HasText = sku });
        await Expect(row.First).ToContainTextAsync(shown);
    });

    [Fact]
    public Task TwoStaffEditingOneLineTheSecondGetsTheConflictMessage() => InBrowserAsync(async first =>
    {
        var order = await OpenOrderOfAsync("Contoso Retail", "UPS-1500");
        var other = await AnotherBrowserAsync();
        foreach (var page in new[] { first, other })
        {
            await page.SignInAsync(DemoDataSeeder.StaffEmail, DemoDataSeeder.Password);
            await page.GotoAsync($"staff/lines?order={order}&sku=UPS-1500");
            await page.GetByTestId("open-line").First.ClickAsync();
            await page.GetByTestId("change-line-eta").ClickAsync();
            await Expect(page.GetByTestId("change-line-eta-dialog")).ToBeVisibleAsync();
        }

        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        await FillEtaChangeAsync(first, today.AddDays(40).ToString("d MMM yyyy", CultureInfo.InvariantCulture), "Transport");
        await first.GetByTestId("eta-save").ClickAsync();
        await Expect(first.GetByTestId("change-line-eta-dialog")).ToHaveCountAsync(0);

        await FillEtaChangeAsync(other, today.AddDays(60).ToString("d MMM yyyy", CultureInfo.InvariantCulture), "Production");
        await other.GetByTestId("eta-save").ClickAsync();
        await Expect(other.GetByTestId("eta-conflict")).ToContainTextAsync("changed by someone else");
    });

    [Fact]
    public Task AnAdminLinksASelfRegisteredUserWhoThenSeesTheirCompanysBacklog() => InBrowserAsync(async page =>
    {
        var email = $"buyer-{Guid.NewGuid():n}"[..14] + "@contoso.example";
        const string password = "Buyer-Passw0rd!";
        await using (var scope = Server.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
            var created = await users.CreateAsync(new ApplicationUser { UserName = email, Email = email, EmailConfirmed = true, DisplayName = "New Buyer" }, password);
            Assert.True(created.Succeeded);
        }

        await page.SignInAsync(DemoDataSeeder.StaffEmail, DemoDataSeeder.Password);
        await page.GotoAsync("staff/admin/customer-users");
        // The prerendered list ignores the click until the circuit runs.
        await page.WaitForInteractiveAsync("signed-in-user");
        var row = page.GetByTestId("unlinked-user").Filter(new LocatorFilterOptions { HasText = email });
        await row.GetByTestId("link-user").ClickAsync();
        var picker = page.Locator(".mud-dialog input").First;
        // The picker searches 250 ms after the last key: until the filtered answer is in, the open list is the
        // unfiltered one, and a click on it is lost when the answer redraws the list (seen under load). On a
        // machine loaded far beyond CI (load average 19), the dialog's first render also cleared text typed into
        // it before then: type again when no filtered answer came.
        var choices = page.Locator(".mud-popover-open .mud-list-item");
        for (var attempt = 1; ; attempt++)
        {
            await picker.FillAsync("Contoso");
            try
            {
                await Expect(choices.Filter(new LocatorFilterOptions { HasNotText = "Contoso" }))
                    .ToHaveCountAsync(0, new LocatorAssertionsToHaveCountOptions { Timeout = 10_000 });
                break;
            }
            catch (PlaywrightException) when (attempt < 3)
            {
                // Typed again on the next turn (a failed expectation is a PlaywrightException).
            }
        }
        await Expect(choices.Filter(new LocatorFilterOptions { HasText = "Contoso Retail" })).ToHaveCountAsync(1);
        await choices.Filter(new LocatorFilterOptions { HasText = "Contoso Retail" }).ClickAsync();
        await Expect(page.GetByTestId("link-confirm")).ToBeEnabledAsync();
        await page.GetByTestId("link-confirm").ClickAsync();
        await Expect(row).ToHaveCountAsync(0);

        var buyerPage = await AnotherBrowserAsync();
        await buyerPage.SignInAsync(email, password);
        await buyerPage.GotoAsync("backlog");
        await Expect(buyerPage.GetByTestId("customer-name")).ToHaveTextAsync("Contoso Retail");
        await Expect(buyerPage.BacklogRows().First).ToBeVisibleAsync();
    });

    [Fact]
    public Task TheLinesPageWorksAtPhoneWidthWithTheKeyboard() => InBrowserAsync(async page =>
    {
        await page.SignInAsync(DemoDataSeeder.StaffEmail, DemoDataSeeder.Password);
        await page.GotoAsync("staff/lines?q=northwind");
        await Expect(page.GetByTestId("line-count")).ToHaveTextAsync(new Regex(@"^\d+ lines?$"));

        var open = page.GetByTestId("open-line").First;
        await open.FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.GetByTestId("drawer-title")).ToBeVisibleAsync();
        Assert.Equal(0, await page.HorizontalOverflowAsync());
        await page.SaveScreenshotIfRequestedAsync("staff-line-drawer-phone");
    }, Phone);

    private static async Task FillEtaChangeAsync(IPage page, string date, string reason)
    {
        var input = page.Locator(".eta-date input");
        await input.FillAsync(date);
        await input.PressAsync("Tab");
        await page.GetByTestId("eta-reason").ClickAsync();
        await page.Locator(".mud-popover-open .mud-list-item", new PageLocatorOptions { HasText = reason }).ClickAsync();
    }

    private async Task<string> OpenOrderOfAsync(string customer, string sku)
    {
        await using var db = await Server.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
        var order = await db.OrderLines
            .Where(l => l.Order!.Customer!.Name == customer && l.Product!.Sku == sku && (l.Status == LineStatus.Open || l.Status == LineStatus.PartiallyShipped))
            .OrderBy(l => l.Id)
            .Select(l => l.Order!.OrderNumber)
            .FirstOrDefaultAsync();
        Assert.True(order is not null, $"The demo data should give {customer} an open line of {sku}.");
        return order;
    }
}
