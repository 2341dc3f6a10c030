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

/// <summary>The preview dialog of a shipment or cancellation of several lines, against the real write path and database.</summary>
public sealed class FulfilLinesDialogTests(PortalAppFactory factory) : IClassFixture<PortalAppFactory>, IAsyncLifetime
{
    private readonly BunitContext context = new();
    private readonly EtaTestData data = new(factory);

    public Task InitializeAsync()
    {
        context.JSInterop.Mode = JSRuntimeMode.Loose;
        context.Services.AddMudServices();
        context.Services.AddLogging();
        context.Services.AddSingleton(factory.Services.GetRequiredService<LineFulfilmentService>());
        context.Services.AddSingleton(factory.Services.GetRequiredService<StaffBacklogQuery>());
        context.Services.AddScoped<StaffAccess>();
        var authorization = context.AddAuthorization();
        authorization.SetAuthorized("staff@example.com");
        authorization.SetRoles(Roles.Staff);
        authorization.SetPolicies(Policies.Staff);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await context.DisposeAsync();

    [Fact]
    public async Task ThePreviewListsEveryLineAndFollowsAPartialQuantityBeforeAnythingIsWritten()
    {
        var (product, lines) = await TwoLinesAsync();
        var providers = await OpenAsync(lines, shipment: true);

        // Both default to their whole open quantity (10 each).
        Assert.Equal(2, providers.FindAll("[data-testid=fulfil-line]").Count);
        Assert.Contains("Records a shipment of 20 units on 2 lines of 2 customers", providers.Find("[data-testid=fulfil-summary]").TextContent);
        Assert.Contains("2 lines are fully shipped and leave the backlog.", providers.Find("[data-testid=fulfil-outcome]").TextContent);

        providers.FindAll("input[data-testid=fulfil-quantity]")[1].Change("4");

        providers.WaitForAssertion(() => Assert.Contains("Records a shipment of 14 units", providers.Find("[data-testid=fulfil-summary]").TextContent));
        Assert.Equal("1 line is fully shipped and leaves the backlog; 1 line stays open with 6 units.", providers.Find("[data-testid=fulfil-outcome]").TextContent);
        Assert.Equal("6 stay open", providers.FindAll("[data-testid=fulfil-after]")[1].TextContent.Trim());
        Assert.All(await data.LinesOfAsync(product), l => Assert.Equal(0, l.QuantityShipped));

        await providers.InvokeAsync(() => providers.FindComponents<MudTextField<string>>().Single(f => f.Instance.Label == "Tracking number (optional)").Instance.ValueChanged.InvokeAsync("JD0099"));
        providers.Find("button[data-testid=fulfil-confirm]").Click();

        providers.WaitForAssertion(() => Assert.Empty(providers.FindAll("[data-testid=fulfil-lines-dialog]")));
        var after = (await data.LinesOfAsync(product)).OrderBy(l => l.Id).ToList();
        Assert.Equal([(10, LineStatus.Shipped), (4, LineStatus.PartiallyShipped)], after.Select(l => (l.QuantityShipped, l.Status)).ToList());
        await using var db = await data.DbAsync();
        var ids = lines.Select(l => l.LineId).ToList();
        Assert.Equal(["JD0099", "JD0099"], await db.LineShipments.Where(s => ids.Contains(s.OrderLineId)).Select(s => s.TrackingNumber!).ToListAsync());
    }

    [Fact]
    public async Task ACancellationWithoutAReasonIsRefusedAndWritesNothing()
    {
        var (product, lines) = await TwoLinesAsync();
        var providers = await OpenAsync(lines, shipment: false);

        providers.Find("button[data-testid=fulfil-confirm]").Click();

        providers.WaitForAssertion(() => Assert.Contains("Say why the quantity is cancelled", providers.Markup));
        Assert.Contains("Nothing was saved", providers.Find("[data-testid=fulfil-error]").TextContent);
        Assert.All(await data.LinesOfAsync(product), l => Assert.Equal((0, LineStatus.Open), (l.QuantityCancelled, l.Status)));
    }

    [Fact]
    public async Task ALineChangedMeanwhileIsAConflictAndNoLineIsWritten()
    {
        var (product, lines) = await TwoLinesAsync();
        var providers = await OpenAsync(lines, shipment: false);
        // Someone else ships part of the second line while this dialog is open.
        var other = await factory.Services.GetRequiredService<LineFulfilmentService>().RecordShipmentAsync(
            new ShipmentRequest(lines[1].LineId, lines[1].Version, 1, DateOnly.FromDateTime(DateTime.UtcNow), null, null, ChangeSource.Staff, "other@example.com"));
        Assert.True(other.Succeeded, other.Message);

        await providers.InvokeAsync(() => providers.FindComponent<MudTextField<string>>().Instance.ValueChanged.InvokeAsync("Discontinued"));
        providers.Find("button[data-testid=fulfil-confirm]").Click();

        providers.WaitForAssertion(() => Assert.Contains("changed by someone else", providers.Find("[data-testid=fulfil-conflict]").TextContent));
        Assert.NotEmpty(providers.FindAll("button[data-testid=fulfil-reload]"));
        var after = (await data.LinesOfAsync(product)).OrderBy(l => l.Id).ToList();
        Assert.Equal([(0, 0), (1, 0)], after.Select(l => (l.QuantityShipped, l.QuantityCancelled)).ToList());
    }

    [Fact]
    public async Task LinesWithNothingOpenAreLeftOutAndSaidSo()
    {
        var (_, lines) = await TwoLinesAsync();
        var shipped = lines[0] with { State = lines[0].State with { QuantityShipped = 10, Status = LineStatus.Shipped } };
        var providers = await OpenAsync([shipped, lines[1]], shipment: true);

        Assert.Single(providers.FindAll("[data-testid=fulfil-line]"));
        Assert.Contains("1 selected line has no open quantity and is left out.", providers.Find("[data-testid=fulfil-not-open]").TextContent);
    }

    private async Task<(Product Product, IReadOnlyList<StaffLine> Lines)> TwoLinesAsync()
    {
        var product = await data.ProductWithLinesAsync(2, new LineSpec(Promised), new LineSpec(Promised));
        var stored = (await data.LinesOfAsync(product)).OrderBy(l => l.Id).ToList();
        Assert.Equal(2, stored.Count);
        return (product, [.. stored.Select((l, i) => new StaffLine(l.Id, l.Version, $"Customer {i}", $"C-{i}", $"SO-{l.Id}", 1, product.Sku, product.Name,
            new LineState(BacklogKind.Backorder, l.QuantityOrdered, 0, 0, Promised, Promised, 0, LineStatus.Open, false, CustomerResponse.None)))]);
    }

    private async Task<IRenderedComponent<MudDialogProvider>> OpenAsync(IReadOnlyList<StaffLine> lines, bool shipment)
    {
        context.Render<MudPopoverProvider>();
        var providers = context.Render<MudDialogProvider>();
        var dialogs = context.Services.GetRequiredService<IDialogService>();
        await providers.InvokeAsync(() => dialogs.ShowAsync<FulfilLinesDialog>("Fulfil", new DialogParameters<FulfilLinesDialog>
        {
            { d => d.Lines, lines },
            { d => d.Shipment, shipment },
            { d => d.Today, DateOnly.FromDateTime(DateTime.UtcNow) },
        }));
        providers.WaitForElement("[data-testid=fulfil-lines-dialog]");
        return providers;
    }
}
