using BacklogPortal.Domain;
using BacklogPortal.EtaChanges;
using BacklogPortal.Staff;
using BacklogPortal.Staff.Lines;
using BacklogPortal.Tests.Infrastructure;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace BacklogPortal.Tests.Staff;

/// <summary>The lines grid with its URL filters, selection and the previewed ETA change, against a real database.</summary>
public sealed class StaffLinesGridTests : PortalComponentTestContext
{
    private Product product = default!;
    private Customer first = default!;
    private Customer second = default!;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        AddStaffServices();
        first = await Build.CustomerAsync("Northwind Traders");
        second = await Build.CustomerAsync("Contoso Retail");
        product = await Build.ProductAsync("KB-MX-210", "Mechanical Keyboard");
        var other = await Build.ProductAsync("MS-ERG-05", "Ergonomic Mouse");
        await Build.OrderAsync(first, Today.AddDays(-20), (product, Today.AddDays(10)));
        await Build.OrderAsync(second, Today.AddDays(-20), (product, Today.AddDays(10)));
        await Build.OrderAsync(first, Today.AddDays(-5), (product, Today.AddDays(10)), (other, Today.AddDays(3)));
    }

    private (IRenderedComponent<StaffLinesPage> Page, IRenderedComponent<MudDialogProvider> Dialogs) Open(string address)
    {
        Services.GetRequiredService<NavigationManager>().NavigateTo(address);
        var page = RenderInteractive<StaffLinesPage>();
        var dialogs = Render<MudDialogProvider>();
        return (page, dialogs);
    }

    private static IReadOnlyList<string> Rows(IRenderedComponent<StaffLinesPage> page) =>
        page.FindAll("tbody tr.mud-table-row").Select(row => row.TextContent).ToList();

    [Fact]
    public void TheFilterComesFromTheAddressAndTheCountShowsOnFirstLoad()
    {
        var (page, _) = Open("/staff/lines?sku=KB-MX-210");

        page.WaitForAssertion(() => Assert.Equal(3, Rows(page).Count));
        Assert.Equal("3 lines", page.Find("[data-testid=line-count]").TextContent.Trim());
        Assert.All(Rows(page), row => Assert.Contains("KB-MX-210", row));
    }

    [Fact]
    public void TextSearchIgnoresCase()
    {
        var (page, _) = Open("/staff/lines?q=ERGONOMIC%20mouse");

        page.WaitForAssertion(() => Assert.Single(Rows(page)));
        Assert.Contains("MS-ERG-05", Rows(page)[0]);
        Assert.Equal("1 line", page.Find("[data-testid=line-count]").TextContent.Trim());
    }

    [Fact]
    public void ChangingAFilterPutsItInTheAddress()
    {
        var (page, _) = Open("/staff/lines");
        page.WaitForAssertion(() => Assert.Equal(4, Rows(page).Count));

        var overdue = page.FindComponents<MudSwitch<bool>>()[0];
        page.InvokeAsync(() => overdue.Instance.ValueChanged.InvokeAsync(true));

        Assert.EndsWith("/staff/lines?overdue=true", Services.GetRequiredService<NavigationManager>().Uri);
        page.WaitForAssertion(() => Assert.Contains("No lines match", page.Find("[data-testid=no-lines]").TextContent));
    }

    [Fact]
    public async Task SelectedLinesArePreviewedWithLaterEarlierAndDecisionCountsBeforeTheyChange()
    {
        var (page, dialogs) = Open("/staff/lines?sku=KB-MX-210");
        page.WaitForAssertion(() => Assert.Equal(3, Rows(page).Count));
        var untouched = await LinesAsync();

        page.FindAll("input[data-testid=select-line]")[0].Change(true);
        page.FindAll("input[data-testid=select-line]")[1].Change(true);
        Assert.Equal("2 lines selected", page.Find("[data-testid=selection-count]").TextContent.Trim());
        page.Find("button[data-testid=change-selected-eta]").Click();
        dialogs.WaitForElement("[data-testid=change-eta-dialog]");

        var newEta = Today.AddDays(50);
        await dialogs.InvokeAsync(() => dialogs.FindComponent<MudDatePicker>().Instance.DateChanged.InvokeAsync(newEta.ToDateTime(TimeOnly.MinValue)));
        await dialogs.InvokeAsync(() => dialogs.FindComponent<MudSelect<EtaReasonCode?>>().Instance.ValueChanged.InvokeAsync(EtaReasonCode.SupplierDelay));
        dialogs.Find("button[data-testid=eta-preview-button]").Click();

        dialogs.WaitForAssertion(() => Assert.Contains(
            "2 lines of 2 customers will change: 2 later, 0 earlier; 2 will need the customer's decision.",
            dialogs.Find("[data-testid=eta-preview]").TextContent));
        Assert.Equal(2, dialogs.FindAll("[data-testid=eta-preview-line]").Count);
        Assert.Equal(untouched.Select(l => l.Eta), (await LinesAsync()).Select(l => l.Eta));

        dialogs.Find("button[data-testid=eta-confirm]").Click();

        dialogs.WaitForAssertion(() => Assert.Empty(dialogs.FindAll("[data-testid=change-eta-dialog]")));
        var after = await LinesAsync();
        Assert.Equal([newEta, newEta, Today.AddDays(10)], after.Select(l => l.Eta));
        Assert.Equal([true, true, false], after.Select(l => l.ConsentRequired));
        page.WaitForAssertion(() => Assert.Empty(page.FindAll("[data-testid=selection-bar]")));
    }

    [Fact]
    public async Task AnEtaInThePastIsRefusedAndADateAYearAwayAsksForConfirmation()
    {
        var (page, dialogs) = Open("/staff/lines?sku=KB-MX-210");
        page.WaitForAssertion(() => Assert.Equal(3, Rows(page).Count));
        page.FindAll("input[data-testid=select-line]")[0].Change(true);
        page.Find("button[data-testid=change-selected-eta]").Click();
        dialogs.WaitForElement("[data-testid=change-eta-dialog]");
        await dialogs.InvokeAsync(() => dialogs.FindComponent<MudSelect<EtaReasonCode?>>().Instance.ValueChanged.InvokeAsync(EtaReasonCode.Transport));

        await dialogs.InvokeAsync(() => dialogs.FindComponent<MudDatePicker>().Instance.DateChanged.InvokeAsync(Today.AddDays(-1).ToDateTime(TimeOnly.MinValue)));
        dialogs.Find("button[data-testid=eta-preview-button]").Click();
        dialogs.WaitForAssertion(() => Assert.Contains("has passed", dialogs.Markup));
        Assert.Empty(dialogs.FindAll("[data-testid=eta-preview]"));

        await dialogs.InvokeAsync(() => dialogs.FindComponent<MudDatePicker>().Instance.DateChanged.InvokeAsync(Today.AddDays(400).ToDateTime(TimeOnly.MinValue)));
        dialogs.Find("button[data-testid=eta-preview-button]").Click();
        dialogs.WaitForAssertion(() => Assert.Contains("confirm it below", dialogs.Markup));
        Assert.Empty(dialogs.FindAll("[data-testid=eta-preview]"));

        await dialogs.InvokeAsync(() => dialogs.FindComponent<MudCheckBox<bool>>().Instance.ValueChanged.InvokeAsync(true));
        dialogs.Find("button[data-testid=eta-preview-button]").Click();
        dialogs.WaitForAssertion(() => Assert.Contains("1 line of 1 customer will change", dialogs.Find("[data-testid=eta-preview]").TextContent));
    }

    [Fact]
    public async Task SortingByAColumnOfTheLinesStateOrdersTheRowsByIt()
    {
        // The mouse is due first but was promised last: by ETA (the default) it comes first, by promise last.
        await using (var db = Database.CreateDbContext())
        {
            await db.OrderLines.Where(l => l.ProductId != product.Id).ExecuteUpdateAsync(s => s.SetProperty(l => l.PromisedDate, Today.AddDays(30)));
        }
        var (page, _) = Open("/staff/lines");
        page.WaitForAssertion(() => Assert.Contains("MS-ERG-05", Rows(page)[0]));

        page.FindAll("th").Single(th => th.TextContent.Contains("Promised")).QuerySelector(".sortable-column-header")!.Click();

        page.WaitForAssertion(() => Assert.Contains("MS-ERG-05", Rows(page)[^1]));
        Assert.Equal(4, Rows(page).Count);
    }

    private async Task<List<OrderLine>> LinesAsync()
    {
        await using var db = Database.CreateDbContext();
        return await db.OrderLines.AsNoTracking().Where(l => l.ProductId == product.Id).OrderBy(l => l.Id).ToListAsync();
    }
}
