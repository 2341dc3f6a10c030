using BacklogPortal.Components.Account;
using BacklogPortal.Domain;
using BacklogPortal.EtaChanges;
using BacklogPortal.Staff;
using BacklogPortal.Staff.Lines;
using BacklogPortal.Tests.Infrastructure;
using Bunit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace BacklogPortal.Tests.Staff;

/// <summary>The interactive staff grid on /staff/lines over a real database: rows, filters, and a line's ETA change from its row.</summary>
public sealed class StaffLinesGridTests : PortalComponentTestContext
{
    private Customer northwind = default!;
    private Customer contoso = default!;
    private Order northwindOrder = default!;
    private Order contosoOrder = default!;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        AddStaffServices();
        northwind = await Build.CustomerAsync("Northwind Traders");
        contoso = await Build.CustomerAsync("Contoso Retail");
        var keyboard = await Build.ProductAsync("KB-MX-210", "Mechanical Keyboard");
        var console = await Build.ProductAsync("CON-NEXT", "Game Console Next", releaseDate: Today.AddDays(40));
        northwindOrder = await Build.OrderAsync(northwind, Today.AddDays(-12), (keyboard, Today.AddDays(6)), (console, Today.AddDays(40)));
        contosoOrder = await Build.OrderAsync(contoso, Today.AddDays(-3), (keyboard, Today.AddDays(-2)));
    }

    private IRenderedComponent<StaffLinesPage> RenderAsStaff()
    {
        Authorization.SetAuthorized("staff@example.com");
        Authorization.SetRoles(Roles.Staff);
        return RenderInteractive<StaffLinesPage>();
    }

    private static List<string> RowTexts(IRenderedComponent<StaffLinesPage> page) =>
        page.FindAll("[data-testid=staff-lines-grid] tbody tr.mud-table-row").Select(row => row.TextContent).ToList();

    [Fact]
    public void GridListsTheOpenLinesOfEveryCustomerByEta()
    {
        var page = RenderAsStaff();

        page.WaitForAssertion(() => Assert.Equal(3, RowTexts(page).Count));
        var rows = RowTexts(page);
        Assert.Contains(contosoOrder.OrderNumber, rows[0]);
        Assert.Contains("Overdue", rows[0]);
        Assert.Contains(northwindOrder.OrderNumber, rows[1]);
        Assert.Contains(DateFormat.Short(Today.AddDays(6)), rows[1]);
        Assert.Contains("pre-order", rows[2]);
        Assert.Equal("3 open lines", page.Find("[data-testid=line-count]").TextContent.Trim());
    }

    [Fact]
    public async Task CustomerFilterIgnoresCaseAndNarrowsTheRows()
    {
        var page = RenderAsStaff();
        page.WaitForAssertion(() => Assert.Equal(3, RowTexts(page).Count));

        var customerFilter = page.FindComponents<MudTextField<string>>().Single(f => f.Instance.Placeholder == "Customer name or number");
        await page.InvokeAsync(() => customerFilter.Instance.ValueChanged.InvokeAsync("contoso"));

        page.WaitForAssertion(() => Assert.Single(RowTexts(page)));
        Assert.Contains(contosoOrder.OrderNumber, RowTexts(page)[0]);
        Assert.Equal("1 open line", page.Find("[data-testid=line-count]").TextContent.Trim());
    }

    [Fact]
    public async Task ChangingALineFromItsRowSavesThroughTheWritePathAndShowsTheNewDate()
    {
        var page = RenderAsStaff();
        var providers = Render<MudDialogProvider>();
        page.WaitForAssertion(() => Assert.Equal(3, RowTexts(page).Count));
        var newEta = Today.AddDays(33);

        page.FindAll("button[data-testid=change-line-eta]")[1].Click();
        providers.WaitForElement("[data-testid=change-line-eta-dialog]");
        Assert.Contains($"{northwindOrder.OrderNumber} · line 1 · Northwind Traders", providers.Markup);
        var picker = providers.FindComponent<MudDatePicker>();
        await providers.InvokeAsync(() => picker.Instance.DateChanged.InvokeAsync(newEta.ToDateTime(TimeOnly.MinValue)));
        var reason = providers.FindComponent<MudSelect<EtaReasonCode?>>();
        await providers.InvokeAsync(() => reason.Instance.ValueChanged.InvokeAsync(EtaReasonCode.Transport));
        providers.Find("button[data-testid=eta-save]").Click();

        // Still second by ETA: 33 days out, before the pre-order's 40.
        page.WaitForAssertion(() => Assert.Contains(DateFormat.Short(newEta), RowTexts(page)[1]));
        Assert.Empty(providers.FindAll("[data-testid=change-line-eta-dialog]"));
        Assert.Contains(northwindOrder.OrderNumber, RowTexts(page)[1]);
        Assert.Contains("moved once", RowTexts(page)[1]);
        await using var db = Database.CreateDbContext();
        var change = await db.EtaChanges.SingleAsync();
        Assert.Equal((Today.AddDays(6), newEta, "staff@example.com", EtaReasonCode.Transport), (change.OldEta, change.NewEta, change.ChangedBy, change.ReasonCode));
        Assert.Equal(1, await db.NotificationOutbox.CountAsync(e => e.EtaChangeId == change.Id));
    }
}
