using BacklogPortal.Domain;
using BacklogPortal.EtaChanges;
using BacklogPortal.Staff.Lines;
using BacklogPortal.Tests.Infrastructure;
using Bunit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace BacklogPortal.Tests.Staff;

/// <summary>The bulk change of a SKU: preview, confirm, and what reaches the database through the real write path.</summary>
public sealed class ChangeSkuEtaDialogTests : PortalComponentTestContext
{
    private Product lamp = default!;
    private Product desk = default!;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        AddStaffServices();
        lamp = await Build.ProductAsync("LAMP-7", "Desk lamp");
        desk = await Build.ProductAsync("DESK-1", "Walnut desk");
        var northwind = await Build.CustomerAsync("Northwind Traders");
        var contoso = await Build.CustomerAsync("Contoso Retail");
        await Build.OrderAsync(northwind, Today.AddDays(-10), (lamp, Today.AddDays(5)), (lamp, Today.AddDays(8)), (desk, Today.AddDays(5)));
        var shipped = await Build.OrderAsync(contoso, Today.AddDays(-10), (lamp, Today.AddDays(5)), (lamp, Today.AddDays(6)));
        await using var db = Database.CreateDbContext();
        var first = await db.OrderLines.SingleAsync(l => l.OrderId == shipped.Id && l.LineNumber == 1);
        (first.Status, first.QuantityShipped) = (LineStatus.Shipped, first.QuantityOrdered);
        await db.SaveChangesAsync();
    }

    [Fact]
    public async Task PreviewCountsTheOpenLinesAndCustomersAndConfirmMovesExactlyThose()
    {
        var newEta = Today.AddDays(40);
        var (providers, dialog) = await OpenAsync(new SkuOption("LAMP-7", "Desk lamp", 3));
        await FillAsync(providers, newEta, EtaReasonCode.SupplierDelay);

        providers.Find("button[data-testid=eta-preview-button]").Click();
        providers.WaitForAssertion(() => Assert.Equal(
            "3 lines of 2 customers will change. Each customer gets an email with the new date.",
            providers.Find("[data-testid=eta-preview]").TextContent.Trim()));
        providers.Find("button[data-testid=eta-confirm]").Click();

        var result = await dialog.Result.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.False(result!.Canceled);
        var change = Assert.IsType<EtaChangeResult>(result.Data);
        Assert.Equal((EtaChangeOutcome.Changed, 3, 2), (change.Outcome, change.LinesChanged, change.CustomersAffected));
        await using var db = Database.CreateDbContext();
        var lamps = await db.OrderLines.Where(l => l.ProductId == lamp.Id).OrderBy(l => l.Id).Select(l => new { l.Status, l.Eta }).ToListAsync();
        Assert.Equal(4, lamps.Count);
        Assert.Equal(3, lamps.Count(l => l.Eta == newEta));
        Assert.Equal(LineStatus.Shipped, lamps.Single(l => l.Eta != newEta).Status);
        Assert.Equal(Today.AddDays(5), await db.OrderLines.Where(l => l.ProductId == desk.Id).Select(l => l.Eta).SingleAsync());
        Assert.Equal(3, await db.EtaChanges.CountAsync(c => c.NewEta == newEta && c.ChangedBy == "staff@example.com" && c.ReasonCode == EtaReasonCode.SupplierDelay));
        Assert.Equal(3, await db.NotificationOutbox.CountAsync(e => e.EtaChange!.NewEta == newEta));
    }

    [Fact]
    public async Task AnEditAfterThePreviewAsksForANewPreviewBeforeAnythingIsWritten()
    {
        var (providers, _) = await OpenAsync(new SkuOption("LAMP-7", "Desk lamp", 3));
        await FillAsync(providers, Today.AddDays(40), EtaReasonCode.SupplierDelay);
        providers.Find("button[data-testid=eta-preview-button]").Click();
        providers.WaitForElement("button[data-testid=eta-confirm]");

        var picker = providers.FindComponent<MudDatePicker>();
        await providers.InvokeAsync(() => picker.Instance.DateChanged.InvokeAsync(Today.AddDays(50).ToDateTime(TimeOnly.MinValue)));

        providers.WaitForAssertion(() => Assert.Empty(providers.FindAll("button[data-testid=eta-confirm]")));
        Assert.Empty(providers.FindAll("[data-testid=eta-preview]"));
        Assert.NotEmpty(providers.FindAll("button[data-testid=eta-preview-button]"));
        await using var db = Database.CreateDbContext();
        Assert.Equal(0, await db.EtaChanges.CountAsync());
    }

    [Fact]
    public async Task WithoutASkuThePreviewSaysWhatIsMissingAndWritesNothing()
    {
        var (providers, _) = await OpenAsync(initialSku: null);
        await FillAsync(providers, Today.AddDays(40), EtaReasonCode.Transport);

        providers.Find("button[data-testid=eta-preview-button]").Click();

        providers.WaitForAssertion(() => Assert.Contains("Choose the SKU whose lines move.", providers.Markup));
        Assert.Empty(providers.FindAll("[data-testid=eta-preview]"));
        await using var db = Database.CreateDbContext();
        Assert.Equal(0, await db.EtaChanges.CountAsync());
    }

    private async Task<(IRenderedComponent<MudDialogProvider> Providers, IDialogReference Dialog)> OpenAsync(SkuOption? initialSku)
    {
        Render<MudPopoverProvider>();
        var providers = Render<MudDialogProvider>();
        var dialogs = Services.GetRequiredService<IDialogService>();
        IDialogReference? dialog = null;
        await providers.InvokeAsync(async () => dialog = await dialogs.ShowAsync<ChangeSkuEtaDialog>("Change ETA for a SKU", new DialogParameters<ChangeSkuEtaDialog>
        {
            { d => d.ChangedBy, "staff@example.com" },
            { d => d.Today, Today },
            { d => d.InitialSku, initialSku },
        }));
        providers.WaitForElement("[data-testid=change-sku-eta-dialog]");
        return (providers, dialog!);
    }

    private static async Task FillAsync(IRenderedComponent<MudDialogProvider> providers, DateOnly newEta, EtaReasonCode reason)
    {
        var picker = providers.FindComponent<MudDatePicker>();
        await providers.InvokeAsync(() => picker.Instance.DateChanged.InvokeAsync(newEta.ToDateTime(TimeOnly.MinValue)));
        var select = providers.FindComponent<MudSelect<EtaReasonCode?>>();
        await providers.InvokeAsync(() => select.Instance.ValueChanged.InvokeAsync(reason));
    }
}
