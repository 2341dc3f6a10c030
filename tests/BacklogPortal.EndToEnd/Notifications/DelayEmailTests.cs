using System.Globalization;
using System.Text.RegularExpressions;
using BacklogPortal.Data;
using BacklogPortal.Data.Demo;
using BacklogPortal.Domain;
using BacklogPortal.EndToEnd.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BacklogPortal.EndToEnd.Notifications;

/// <summary>
/// The whole way a delay travels: staff change a line's ETA on /staff/lines, the portal emails the
/// customer over SMTP, and the customer follows the email's link, signs in and accepts the new date.
/// </summary>
public sealed partial class DelayEmailTests(PortalServer server) : PortalTest(server)
{
    [Fact]
    public Task StaffChangeReachesTheCustomersInboxAndItsLinkRecordsTheirAnswer() => InBrowserAsync(async staffPage =>
    {
        var line = await OpenLineOfAsync("Northwind Traders");
        // 45 days past the later of promise and current ETA: a delay that needs the customer's express consent.
        var newEta = (line.Eta > line.Promised ? line.Eta.Value : line.Promised).AddDays(45);

        // Staff: find the line, change its ETA with a reason.
        await staffPage.SignInAsync(DemoDataSeeder.StaffEmail, DemoDataSeeder.Password);
        await Expect(staffPage).ToHaveURLAsync(new Regex("/staff$"));
        // The filters are in the address: the SKU, then the customer (by number) narrow the grid.
        await staffPage.GotoAsync($"staff/lines?sku={Uri.EscapeDataString(line.Sku)}");
        var rows = staffPage.GetByTestId("staff-lines-grid").Locator("tbody tr").Filter(new() { HasTextRegex = OrderNumber() });
        // Rows arrive through the grid's ServerData once the circuit runs.
        await Expect(staffPage.GetByTestId("line-count")).ToHaveTextAsync(OpenLines(line.OpenLinesOfSku));
        await staffPage.GotoAsync($"staff/lines?customer=C-1001&sku={Uri.EscapeDataString(line.Sku)}");
        await Expect(staffPage.GetByTestId("line-count")).ToHaveTextAsync(OpenLines(line.OpenLinesOfSkuForCustomer));
        await Expect(rows).ToHaveCountAsync(line.OpenLinesOfSkuForCustomer);
        var row = rows.Filter(new() { HasTextRegex = new Regex($@"{Regex.Escape(line.OrderNumber)}\s*line {line.LineNumber}\b") });
        await Expect(row).ToHaveCountAsync(1);
        // The row opens the line's drawer; the change starts there.
        await staffPage.ChangeEtaOfRowAsync(row, newEta, EtaReasonCode.SupplierDelay, "The supplier's container moved to a later vessel.");
        await Expect(row).ToContainTextAsync(DateFormat.Short(newEta));

        // The email, as the SMTP server received it.
        var acceptQuery = $"?line={line.Id}&respond=accept";
        var email = await Server.Smtp.WaitForMessageAsync(
            m => m.To.Mailboxes.Any(a => a.Address == DemoDataSeeder.AliceEmail) && (m.TextBody?.Contains(acceptQuery, StringComparison.Ordinal) ?? false),
            TimeSpan.FromSeconds(60));
        Assert.Contains(line.OrderNumber, email.Subject);
        Assert.Contains(newEta.ToString("D", CultureInfo.GetCultureInfo("en-US")), email.TextBody);
        Assert.Contains("The supplier's container moved to a later vessel.", email.TextBody);
        var link = new Regex($@"https?://\S+/orders/{Regex.Escape(line.OrderNumber)}{Regex.Escape(acceptQuery)}").Match(email.TextBody!).Value;
        Assert.StartsWith("http", link);

        // The customer follows the link in a browser of their own: sign in, confirm, recorded.
        var page = await AnotherBrowserAsync();
        await page.GotoAsync(link);
        await Expect(page).ToHaveURLAsync(new Regex("/Account/Login"));
        await page.Locator("[id='Input.Email']").FillAsync(DemoDataSeeder.AliceEmail);
        await page.Locator("[id='Input.Password']").FillAsync(DemoDataSeeder.Password);
        await page.SignInButton().ClickAsync();

        await Expect(page).ToHaveURLAsync(new Regex(Regex.Escape($"/orders/{line.OrderNumber}{acceptQuery}")));
        await Expect(page.GetByTestId("respond-dialog")).ToBeVisibleAsync();
        await page.GetByTestId("respond-confirm").ClickAsync();
        var card = page.Locator($"[data-testid=order-line][data-line-id='{line.Id}']");
        await Expect(card.Locator("[data-testid=eta-history-item][data-kind=response]")).ToBeVisibleAsync();

        await using var db = await Db();
        var saved = await db.OrderLines.AsNoTracking().SingleAsync(l => l.Id == line.Id);
        Assert.Equal((newEta, true, CustomerResponse.AcceptedNewDate, DemoDataSeeder.AliceEmail),
            (saved.Eta, saved.ConsentRequired, saved.CustomerResponse, saved.CustomerRespondedBy));
        var change = await db.EtaChanges.AsNoTracking().Where(c => c.OrderLineId == line.Id).OrderBy(c => c.Id).LastAsync();
        Assert.Equal((DemoDataSeeder.StaffEmail, ChangeSource.Staff, newEta), (change.ChangedBy, change.Source, change.NewEta));
    });

    private sealed record OpenLine(int Id, string OrderNumber, int LineNumber, string Sku, DateOnly Promised, DateOnly? Eta)
    {
        public int OpenLinesOfSku { get; init; }

        public int OpenLinesOfSkuForCustomer { get; init; }
    }

    private static string OpenLines(int count) => count == 1 ? "1 line" : $"{count} lines";

    /// <summary>An open line of the customer with a known date that asks nothing of them yet.</summary>
    private async Task<OpenLine> OpenLineOfAsync(string customerName)
    {
        await using var db = await Db();
        var line = await db.OrderLines
            .Where(l => l.Order!.Customer!.Name == customerName && l.Status == LineStatus.Open && l.PromisedDate != null && l.Eta != null
                && !l.ConsentRequired && l.CustomerResponse == CustomerResponse.None)
            .OrderByDescending(l => l.Id)
            .Select(l => new OpenLine(l.Id, l.Order!.OrderNumber, l.LineNumber, l.Product!.Sku, l.PromisedDate!.Value, l.Eta))
            .FirstOrDefaultAsync();
        Assert.True(line is not null, $"The demo data should give {customerName} an open line with a date and no decision pending.");
        var ofSku = db.OrderLines.Where(l => l.Product!.Sku == line.Sku && (l.Status == LineStatus.Open || l.Status == LineStatus.PartiallyShipped));
        return line with
        {
            OpenLinesOfSku = await ofSku.CountAsync(),
            OpenLinesOfSkuForCustomer = await ofSku.CountAsync(l => l.Order!.Customer!.Name == customerName),
        };
    }

    private Task<PortalDbContext> Db() =>
        Server.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();

    [GeneratedRegex(@"\bSO-\d+\b")]
    private static partial Regex OrderNumber();
}
