using System.Text.RegularExpressions;
using BacklogPortal.Data;
using BacklogPortal.Data.Demo;
using BacklogPortal.Domain;
using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using BacklogPortal.EndToEnd.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BacklogPortal.EndToEnd.Settings;

public sealed class NotificationSettingsPageTests(PortalServer server) : PortalTest(server)
{
    [Fact]
    public Task CustomerChoosesADailyDigestAndAddsAnAddressThatWaitsForItsLink() => InBrowserAsync(async page =>
    {
        var colleague = $"colleague-{Guid.NewGuid():n}@northwind.example";
        try
        {
            await page.SignInAsync(DemoDataSeeder.AliceEmail, DemoDataSeeder.Password);
            await Expect(page).ToHaveURLAsync(new Regex("/backlog$"));
            await page.GotoAsync("settings/notifications");
            var save = page.GetByTestId("save-settings");
            // Enabled once the circuit is up: the prerendered form cannot save.
            await Expect(save).ToBeEnabledAsync();

            await page.GetByTestId("preference-digest").ClickAsync();
            await Expect(page.GetByTestId("digest-hour")).ToBeVisibleAsync();
            await page.GetByTestId("new-recipient").FillAsync("not an address");
            await page.GetByTestId("add-recipient").ClickAsync();
            await Expect(page.GetByText("is not an email address we can send to")).ToBeVisibleAsync();
            await page.GetByTestId("new-recipient").FillAsync(colleague);
            await page.GetByTestId("new-recipient").PressAsync("Enter");
            await Expect(page.GetByTestId("recipient-added")).ToContainTextAsync(colleague);
            await page.SaveScreenshotIfRequestedAsync("settings");
            await AssertNoSeriousAxeViolationsAsync(page);
            await save.ClickAsync();

            await Expect(page.GetByText("Your notification settings are saved.")).ToBeVisibleAsync();
            await page.ReloadAsync();
            await Expect(page.GetByTestId("save-settings")).ToBeEnabledAsync();
            await Expect(page.GetByTestId("preference-digest")).ToBeCheckedAsync();
            var pending = page.GetByTestId("recipient").Filter(new LocatorFilterOptions { HasText = colleague });
            await Expect(pending.GetByTestId("recipient-status")).ToHaveTextAsync(new Regex("Pending"));
            var confirmation = await Server.Smtp.WaitForMessageAsync(m => m.To.Mailboxes.Any(a => a.Address == colleague), TimeSpan.FromSeconds(30));
            Assert.Contains("/settings/notifications/confirm?token=", confirmation.TextBody);
        }
        finally
        {
            await RestoreAsync(colleague);
        }
    });

    [Fact]
    public Task AGermanCustomerSeesTheSettingsInGermanAndTheyFitAPhone() => InBrowserAsync(async page =>
    {
        // Contoso Retail (bob) reads the portal in German.
        await page.SignInAsync(DemoDataSeeder.BobEmail, DemoDataSeeder.Password);
        await Expect(page).ToHaveURLAsync(new Regex("/backlog$"));
        await page.GotoAsync("settings/notifications");
        await Expect(page.GetByTestId("save-settings")).ToBeEnabledAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new PageGetByRoleOptions { Level = 1 })).ToHaveTextAsync("Benachrichtigungseinstellungen");
        await Expect(page.GetByTestId("save-settings")).ToHaveTextAsync(new Regex("Einstellungen speichern", RegexOptions.IgnoreCase));
        Assert.Equal(0, await page.HorizontalOverflowAsync());
        await page.SaveScreenshotIfRequestedAsync("settings-phone");
        await AssertNoSeriousAxeViolationsAsync(page);
    }, Phone);

    private static async Task AssertNoSeriousAxeViolationsAsync(IPage page)
    {
        // The page's own content; the shared layout (app bar, account menu) is the layout's to scan.
        var results = await page.Locator(".main-content").RunAxe();
        var serious = results.Violations.Where(v => v.Impact is "serious" or "critical")
            .Select(v => $"{v.Id} ({v.Impact}): {v.Help} — {string.Join(" | ", v.Nodes.Select(n => n.Html))}")
            .ToList();
        Assert.True(serious.Count == 0, string.Join("\n", serious));
    }

    // The demo customers are shared by every browser test: put Northwind back as it was.
    private async Task RestoreAsync(string colleague)
    {
        await using var db = await Server.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
        await db.NotificationRecipients.Where(r => r.Email == colleague).ExecuteDeleteAsync();
        await db.Customers.Where(c => c.Name == "Northwind Traders")
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.NotificationPreference, NotificationPreference.Immediate));
    }
}
