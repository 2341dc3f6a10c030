using System.Text;
using System.Text.RegularExpressions;
using BacklogPortal.Data;
using BacklogPortal.Data.Demo;
using BacklogPortal.Domain;
using BacklogPortal.EndToEnd.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BacklogPortal.EndToEnd.Export;

public sealed class CsvDownloadTests(PortalServer server) : PortalTest(server)
{
    [Fact]
    public Task CustomerDownloadsTheFilteredBacklogAsCsv() => InBrowserAsync(async page =>
    {
        int expected;
        await using (var db = await Server.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync())
        {
            expected = await db.OrderLines.Where(l => l.Order!.Customer!.Name == "Northwind Traders" && l.Kind == BacklogKind.Backorder)
                .Where(LineRules.IsOpen).CountAsync();
        }
        Assert.True(expected > 50, "The demo data should give alice more backorders than one page.");
        await page.SignInAsync(DemoDataSeeder.AliceEmail, DemoDataSeeder.Password);
        await Expect(page).ToHaveURLAsync(new Regex("/backlog$"));
        await page.GotoAsync("backlog?kind=backorder");
        await page.WaitForInteractiveAsync("backlog-page");

        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByTestId("export-csv").ClickAsync());

        Assert.Matches(@"^backlog-\d{4}-\d{2}-\d{2}\.csv$", download.SuggestedFilename);
        var bytes = await File.ReadAllBytesAsync(await download.PathAsync());
        Assert.Equal(new byte[] { 0xEF, 0xBB, 0xBF }, bytes[..3]);
        var rows = Encoding.UTF8.GetString(bytes[3..]).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("Order,Order date,SKU,Product,Kind,", rows[0]);
        // Every page of the filter, not the 50 lines on screen.
        Assert.Equal(expected, rows.Length - 1);
        Assert.All(rows.Skip(1), row => Assert.Contains(",Backorder,", row));
    });
}
