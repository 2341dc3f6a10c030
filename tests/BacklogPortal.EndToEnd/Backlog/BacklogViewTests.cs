using System.Text.RegularExpressions;
using BacklogPortal.Data;
using BacklogPortal.Data.Demo;
using BacklogPortal.Domain;
using BacklogPortal.EndToEnd.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BacklogPortal.EndToEnd.Backlog;

/// <summary>The backlog's view lives in the address; the page follows changes made elsewhere; bob reads it in German.</summary>
public sealed partial class BacklogViewTests(PortalServer server) : PortalTest(server)
{
    [Fact]
    public Task AFilteredSortedViewSurvivesAReloadAndASharedLink() => InBrowserAsync(async page =>
    {
        await page.SignInAsync(DemoDataSeeder.AliceEmail, DemoDataSeeder.Password);
        await Expect(page).ToHaveURLAsync(new Regex("/backlog$"));
        await page.WaitForInteractiveAsync("backlog-page");

        await page.GetByTestId("kind-filter").SelectOptionAsync("backorder");
        await Expect(page).ToHaveURLAsync(new Regex(@"/backlog\?kind=backorder$"));
        // The address changes at once; the lines (and the links built from the view) once the server has read them.
        await Expect(page.GetByTestId("sort-status")).ToHaveAttributeAsync("href", "/backlog?kind=backorder&sort=status");
        await page.GetByTestId("sort-status").ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex(@"/backlog\?kind=backorder&sort=status$"));
        await Expect(page.Locator("th[aria-sort=ascending]")).ToContainTextAsync("Status");
        var rows = await page.BacklogRows().AllInnerTextsAsync();
        Assert.NotEmpty(rows);
        Assert.DoesNotContain(rows, row => row.Contains("Pre-order", StringComparison.Ordinal));
        var address = page.Url;

        await page.ReloadAsync();
        await page.WaitForInteractiveAsync("backlog-page");
        await Expect(page.BacklogRows()).ToHaveCountAsync(rows.Count);
        Assert.Equal(rows, await page.BacklogRows().AllInnerTextsAsync());
        await Expect(page.GetByTestId("kind-filter")).ToHaveValueAsync("backorder");

        // The address pasted into another browser (signed in as someone of the same customer) shows the same view.
        var shared = await AnotherBrowserAsync();
        await shared.SignInAsync(DemoDataSeeder.AliceEmail, DemoDataSeeder.Password);
        await Expect(shared).ToHaveURLAsync(new Regex("/backlog$"));
        await shared.GotoAsync(address);
        await shared.WaitForInteractiveAsync("backlog-page");
        await Expect(shared.BacklogRows()).ToHaveCountAsync(rows.Count);
        Assert.Equal(rows, await shared.BacklogRows().AllInnerTextsAsync());
        await Expect(shared.GetByTestId("kind-filter")).ToHaveValueAsync("backorder");

        // Into an order and back: the same view again.
        await page.BacklogRows().First.GetByTestId("order-link").ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex(@"/orders/SO-\d+\?back="));
        await page.WaitForInteractiveAsync("order-page");
        await page.GetByTestId("back-to-backlog").ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex(@"/backlog\?kind=backorder&sort=status$"));
        await page.WaitForInteractiveAsync("backlog-page");
        await Expect(page.BacklogRows()).ToHaveCountAsync(rows.Count);
        Assert.Equal(rows, await page.BacklogRows().AllInnerTextsAsync());
    });

    [Fact]
    public Task AStaffChangeAppearsOnTheCustomersOpenPageWithoutAReload() => InBrowserAsync(async customerPage =>
    {
        var line = await OpenLineOfAliceAsync();
        var newEta = (line.Eta ?? DateOnly.FromDateTime(DateTime.UtcNow)).AddDays(3);

        await customerPage.SignInAsync(DemoDataSeeder.AliceEmail, DemoDataSeeder.Password);
        await Expect(customerPage).ToHaveURLAsync(new Regex("/backlog$"));
        await customerPage.GotoAsync($"orders/{line.OrderNumber}");
        await customerPage.WaitForInteractiveAsync("order-page");
        // A reload would lose this.
        await customerPage.EvaluateAsync("() => window.sameDocument = true");
        var card = customerPage.Locator($"[data-testid=order-line][data-line-id='{line.Id}']");

        var staffPage = await AnotherBrowserAsync();
        await staffPage.SignInAsync(DemoDataSeeder.StaffEmail, DemoDataSeeder.Password);
        await Expect(staffPage).ToHaveURLAsync(new Regex("/staff$"));
        await staffPage.GotoAsync($"staff/lines?order={Uri.EscapeDataString(line.OrderNumber)}");
        var row = staffPage.GetByTestId("staff-lines-grid").Locator("tbody tr")
            .Filter(new() { HasTextRegex = new Regex($@"{Regex.Escape(line.OrderNumber)}\s*line {line.LineNumber}\b") });
        await Expect(row).ToHaveCountAsync(1);
        await staffPage.ChangeEtaOfRowAsync(row, newEta, EtaReasonCode.Transport);

        // Polled once a second (Portal:LiveUpdates:PollInterval): well within the 2 s the page promises, and within this wait.
        await Expect(card.GetByTestId("line-eta")).ToContainTextAsync(DateFormat.Short(newEta), new() { Timeout = 5_000 });
        await Expect(card).ToHaveClassAsync(new Regex(@"\brow-updated\b"));
        Assert.True(await customerPage.EvaluateAsync<bool>("() => window.sameDocument === true"));
    });

    [Fact]
    public Task BobReadsHisBacklogInGerman() => InBrowserAsync(async page =>
    {
        await page.SignInAsync(DemoDataSeeder.BobEmail, DemoDataSeeder.Password);
        await Expect(page).ToHaveURLAsync(new Regex("/backlog$"));

        await Expect(page.Locator("h1")).ToHaveTextAsync("Meine offenen Positionen");
        await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "de");
        await Expect(page.GetByTestId("line-count")).ToContainTextAsync("offene Positionen");
        // German month names in the dates, and still German once the circuit runs (it keeps the request's culture).
        await page.WaitForInteractiveAsync("backlog-page");
        await page.GetByTestId("sort-order").ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex(@"sort=order"));
        await Expect(page.Locator("th").First).ToContainTextAsync("Auftrag");
        await Expect(page.BacklogRows().First).ToContainTextAsync(GermanDate());
    });

    private async Task<(int Id, string OrderNumber, int LineNumber, DateOnly? Eta)> OpenLineOfAliceAsync()
    {
        await using var db = await Server.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
        var line = await db.OrderLines
            .Where(l => l.Order!.Customer!.Name == "Northwind Traders" && l.Status == LineStatus.Open && !l.ConsentRequired && l.Eta != null)
            .OrderByDescending(l => l.Id)
            .Select(l => new { l.Id, l.Order!.OrderNumber, l.LineNumber, l.Eta })
            .FirstAsync();
        return (line.Id, line.OrderNumber, line.LineNumber, line.Eta);
    }

    [GeneratedRegex(@"\d{1,2}\. (Jan|Feb|März|Apr|Mai|Juni|Juli|Aug|Sept|Okt|Nov|Dez)\.? \d{4}")]
    private static partial Regex GermanDate();
}
