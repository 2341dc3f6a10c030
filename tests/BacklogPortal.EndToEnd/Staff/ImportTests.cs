using System.Text;
using System.Text.RegularExpressions;
using BacklogPortal.Data;
using BacklogPortal.Data.Demo;
using BacklogPortal.Domain;
using BacklogPortal.EndToEnd.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BacklogPortal.EndToEnd.Staff;

public sealed class ImportTests(PortalServer server) : PortalTest(server)
{
    [Fact]
    public Task FileWithOneBadRowIsRejectedWithItsReportAndTheCorrectedFileApplies() => InBrowserAsync(async page =>
    {
        var lines = await OpenLinesAsync(2);
        var newEta = DateTime.UtcNow.Date.AddDays(75).ToString("yyyy-MM-dd");
        string File(string secondEta) => $"""
            order_number,line_number,sku,new_eta,reason_code,reason_text
            {lines[0].OrderNumber},{lines[0].LineNumber},,{newEta},supplierDelay,Supplier moved the shipment
            {lines[1].OrderNumber},{lines[1].LineNumber},,{secondEta},transport,Port congestion

            """;

        await page.SignInAsync(DemoDataSeeder.StaffEmail, DemoDataSeeder.Password);
        await page.GotoAsync("staff/import");
        await Expect(page.GetByTestId("import-page")).ToHaveAttributeAsync("data-interactive", "true");

        await page.GetByTestId("import-file").SetInputFilesAsync(Csv("erp-bad.csv", File("2020-01-01")));

        await Expect(page.GetByTestId("import-rejected")).ToBeVisibleAsync();
        var problems = page.GetByTestId("import-problems").Locator("tbody tr");
        await Expect(problems).ToHaveCountAsync(1);
        await Expect(problems.First).ToContainTextAsync("3");
        await Expect(problems.First).ToContainTextAsync("new_eta");
        await Expect(problems.First).ToContainTextAsync("lies in the past");
        await page.SaveScreenshotIfRequestedAsync("staff-import-rejected");
        Assert.Equal(0, await ImportedChangesAsync("erp-bad.csv"));

        await page.GetByTestId("import-file").SetInputFilesAsync(Csv("erp-fixed.csv", File(newEta)));

        await Expect(page.GetByTestId("import-summary")).ToContainTextAsync("2 lines");
        await page.GetByTestId("apply-import").ClickAsync();
        await Expect(page.GetByTestId("import-done")).ToContainTextAsync("2 lines");
        Assert.Equal(2, await ImportedChangesAsync("erp-fixed.csv"));
    });

    private static FilePayload Csv(string name, string text) => new() { Name = name, MimeType = "text/csv", Buffer = Encoding.UTF8.GetBytes(text) };

    private async Task<List<(string OrderNumber, int LineNumber)>> OpenLinesAsync(int count)
    {
        await using var db = await Db();
        var lines = await db.OrderLines
            .Where(l => (l.Status == LineStatus.Open || l.Status == LineStatus.PartiallyShipped) && l.Eta != null)
            .OrderBy(l => l.Id)
            .Select(l => new { l.Order!.OrderNumber, l.LineNumber })
            .Take(count)
            .ToListAsync();
        Assert.Equal(count, lines.Count);
        return [.. lines.Select(l => (l.OrderNumber, l.LineNumber))];
    }

    private async Task<int> ImportedChangesAsync(string fileName)
    {
        await using var db = await Db();
        return await db.EtaChanges.CountAsync(c => c.Source == ChangeSource.Import && c.ChangedBy.StartsWith(fileName));
    }

    private Task<PortalDbContext> Db() =>
        Server.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
}
