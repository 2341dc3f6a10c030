using System.Text;
using BacklogPortal.Domain;
using BacklogPortal.EtaChanges;
using BacklogPortal.Import;
using BacklogPortal.Notifications;
using BacklogPortal.Tests.Infrastructure;
using Bunit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace BacklogPortal.Tests.Import;

public sealed class ImportPageTests : PortalComponentTestContext
{
    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        var customer = await Build.CustomerAsync("Northwind Traders");
        var keyboard = await Build.ProductAsync("KB-1", "Keyboard");
        await Build.OrderAsync(customer, Today.AddDays(-3), (keyboard, Today.AddDays(5)), (keyboard, Today.AddDays(6)));
        var etaChanges = new EtaChangeService(Database, Clock, new OutboxSignal(), NullLogger<EtaChangeService>.Instance);
        Services.AddSingleton(new EtaImport(Database, etaChanges, Options.Create(new ImportOptions()), Clock));
        Authorization.SetAuthorized("staff@example.com");
        Authorization.SetRoles(Roles.Staff);
    }

    [Fact]
    public void RejectedFileShowsEveryProblemWithRowColumnValueAndReason()
    {
        var page = RenderInteractive<StaffImportPage>();
        var file = "order_number,line_number,sku,new_eta,reason_code,reason_text\nSO-T9000,1,,2026-11-01,transport,\nSO-T9000,7,,2026-12-20,transport,\n";

        page.FindComponent<Microsoft.AspNetCore.Components.Forms.InputFile>()
            .UploadFiles(InputFileContent.CreateFromText(file, "erp.csv"));

        page.WaitForElement("[data-testid=import-rejected]");
        Assert.Contains("2 problems", page.Find("[data-testid=import-rejected]").TextContent);
        var rows = page.FindAll("[data-testid=import-problems] tbody tr")
            .Select(r => string.Join(" | ", r.QuerySelectorAll("td").Select(c => c.TextContent.Trim())))
            .ToArray();
        Assert.Equal(
            [
                "2 | new_eta | 2026-11-01 | The date lies in the past (today is 2026-11-26); an ETA is today or later, or empty for \"not yet known\".",
                "3 | line_number | 7 | Order SO-T9000 has no line 7.",
            ],
            rows);
        Assert.NotNull(page.Find("[data-testid=download-report]"));
    }

    [Fact]
    public void GoodFileShowsAPreviewAndAppliesOnConfirm()
    {
        var page = RenderInteractive<StaffImportPage>();
        var file = "order_number,line_number,sku,new_eta,reason_code,reason_text\nSO-T9000,1,,2026-12-20,transport,\nSO-T9000,2,,2026-11-30,stockArrivedEarly,\n";

        page.FindComponent<Microsoft.AspNetCore.Components.Forms.InputFile>()
            .UploadFiles(InputFileContent.CreateFromText(file, "erp.csv"));

        var summary = page.WaitForElement("[data-testid=import-summary]");
        Assert.Contains("2 lines of 1 customer will change: 1 later, 1 earlier, 0 to \"not yet known\".", System.Text.RegularExpressions.Regex.Replace(summary.TextContent, @"\s+", " "));
        page.Find("[data-testid=apply-import]").Click();

        page.WaitForAssertion(() => Assert.Contains("ETA changed on 2 lines of 1 customer.", page.Find("[data-testid=import-done]").TextContent));
    }
}
