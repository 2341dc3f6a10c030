using BacklogPortal.Components.Account;
using BacklogPortal.Domain;
using BacklogPortal.Fulfilment;
using BacklogPortal.Staff.Access;
using BacklogPortal.Staff.Lines;
using BacklogPortal.Tests.EtaChanges;
using BacklogPortal.Tests.Infrastructure;
using Bunit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using MudBlazor.Services;
using static BacklogPortal.Tests.EtaChanges.EtaTestData;

namespace BacklogPortal.Tests.Staff;

/// <summary>Shipments and cancellations as staff record them in the dialog, against the real write path and database.</summary>
public sealed class FulfilmentDialogTests(PortalAppFactory factory) : IClassFixture<PortalAppFactory>, IAsyncLifetime
{
    private readonly BunitContext context = new();
    private readonly EtaTestData data = new(factory);

    public Task InitializeAsync()
    {
        context.JSInterop.Mode = JSRuntimeMode.Loose;
        context.Services.AddMudServices();
        context.Services.AddLogging();
        context.Services.AddSingleton(factory.Services.GetRequiredService<LineFulfilmentService>());
        context.Services.AddScoped<StaffAccess>();
        var authorization = context.AddAuthorization();
        authorization.SetAuthorized("staff@example.com");
        authorization.SetRoles(Roles.Staff);
        authorization.SetPolicies(Policies.Staff);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await context.DisposeAsync();

    [Fact]
    public async Task APartialShipmentIsPreviewedThenRecordedWithItsAuditRow()
    {
        var (product, line) = await OneLineAsync();
        var providers = await OpenAsync(line, shipment: true);

        await SetQuantityAsync(providers, 4);
        await providers.InvokeAsync(() => providers.FindComponents<MudTextField<string>>().Single(f => f.Instance.Label == "Carrier (optional)").Instance.ValueChanged.InvokeAsync("DHL"));
        providers.Find("button[data-testid=fulfilment-preview-button]").Click();
        providers.WaitForAssertion(() => Assert.Contains("Records 4 shipped", providers.Find("[data-testid=fulfilment-preview]").TextContent));
        Assert.Contains("6 stay open", providers.Find("[data-testid=fulfilment-preview]").TextContent);
        Assert.Equal(0, (await data.LinesOfAsync(product)).Single().QuantityShipped);

        providers.Find("button[data-testid=fulfilment-confirm]").Click();

        providers.WaitForAssertion(() => Assert.Empty(providers.FindAll("[data-testid=fulfilment-dialog]")));
        var after = (await data.LinesOfAsync(product)).Single();
        Assert.Equal((4, LineStatus.PartiallyShipped, line.Version + 1), (after.QuantityShipped, after.Status, after.Version));
        await using var db = await data.DbAsync();
        var shipment = await db.LineShipments.AsNoTracking().SingleAsync(s => s.OrderLineId == line.LineId);
        Assert.Equal((4, "DHL", "staff@example.com", ChangeSource.Staff), (shipment.Quantity, shipment.Carrier, shipment.RecordedBy, shipment.Source));
    }

    [Fact]
    public async Task ASecondEditorGetsTheConflictMessageAndNothingIsWrittenTwice()
    {
        var (product, line) = await OneLineAsync();
        var providers = await OpenAsync(line, shipment: false);
        // Someone else ships the whole line while this dialog is open.
        var first = await factory.Services.GetRequiredService<LineFulfilmentService>().RecordShipmentAsync(
            new ShipmentRequest(line.LineId, line.Version, 10, DateOnly.FromDateTime(DateTime.UtcNow), null, null, ChangeSource.Staff, "other@example.com"));
        Assert.True(first.Succeeded, first.Message);

        await providers.InvokeAsync(() => providers.FindComponent<MudTextField<string>>().Instance.ValueChanged.InvokeAsync("Customer asked"));
        providers.Find("button[data-testid=fulfilment-preview-button]").Click();
        providers.Find("button[data-testid=fulfilment-confirm]").Click();

        providers.WaitForAssertion(() => Assert.Contains("changed by someone else", providers.Find("[data-testid=fulfilment-conflict]").TextContent));
        var after = (await data.LinesOfAsync(product)).Single();
        Assert.Equal((10, 0, LineStatus.Shipped), (after.QuantityShipped, after.QuantityCancelled, after.Status));
        await using var db = await data.DbAsync();
        Assert.False(await db.LineCancellations.AnyAsync(c => c.OrderLineId == line.LineId));
    }

    [Fact]
    public async Task CancellingTheWholeOpenQuantityNeedsAReasonAndCancelsTheLine()
    {
        var (product, line) = await OneLineAsync();
        var providers = await OpenAsync(line, shipment: false);

        providers.Find("button[data-testid=fulfilment-preview-button]").Click();
        providers.WaitForAssertion(() => Assert.Contains("Say why", providers.Markup));
        Assert.Empty(providers.FindAll("button[data-testid=fulfilment-confirm]"));

        await providers.InvokeAsync(() => providers.FindComponent<MudTextField<string>>().Instance.ValueChanged.InvokeAsync("Discontinued by the maker"));
        providers.Find("button[data-testid=fulfilment-preview-button]").Click();
        providers.WaitForAssertion(() => Assert.Contains("the line is cancelled", providers.Find("[data-testid=fulfilment-preview]").TextContent));
        providers.Find("button[data-testid=fulfilment-confirm]").Click();

        providers.WaitForAssertion(() => Assert.Empty(providers.FindAll("[data-testid=fulfilment-dialog]")));
        var after = (await data.LinesOfAsync(product)).Single();
        Assert.Equal((10, LineStatus.Cancelled), (after.QuantityCancelled, after.Status));
        await using var db = await data.DbAsync();
        Assert.Equal("Discontinued by the maker", (await db.LineCancellations.AsNoTracking().SingleAsync(c => c.OrderLineId == line.LineId)).Reason);
    }

    private async Task<(Product Product, StaffLine Line)> OneLineAsync()
    {
        var product = await data.ProductWithLinesAsync(1, new LineSpec(Promised));
        var line = (await data.LinesOfAsync(product)).Single();
        return (product, new StaffLine(line.Id, line.Version, "Test customer", "T-1", "T-1", 1, product.Sku, product.Name, new LineState(BacklogKind.Backorder,
            10, 0, 0, Promised, Promised, 0, LineStatus.Open, false, CustomerResponse.None)));
    }

    private async Task<IRenderedComponent<MudDialogProvider>> OpenAsync(StaffLine line, bool shipment)
    {
        context.Render<MudPopoverProvider>();
        var providers = context.Render<MudDialogProvider>();
        var dialogs = context.Services.GetRequiredService<IDialogService>();
        await providers.InvokeAsync(() => dialogs.ShowAsync<FulfilmentDialog>("Fulfil", new DialogParameters<FulfilmentDialog>
        {
            { d => d.Line, line },
            { d => d.Shipment, shipment },
            { d => d.Today, DateOnly.FromDateTime(DateTime.UtcNow) },
        }));
        providers.WaitForElement("[data-testid=fulfilment-dialog]");
        return providers;
    }

    private static Task SetQuantityAsync(IRenderedComponent<MudDialogProvider> providers, int quantity) =>
        providers.InvokeAsync(() => providers.FindComponent<MudNumericField<int>>().Instance.ValueChanged.InvokeAsync(quantity));
}
