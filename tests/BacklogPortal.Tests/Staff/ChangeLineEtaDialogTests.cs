using BacklogPortal.Domain;
using BacklogPortal.EtaChanges;
using BacklogPortal.Components.Account;
using BacklogPortal.Staff.Access;
using BacklogPortal.Staff.Lines;
using BacklogPortal.Tests.EtaChanges;
using BacklogPortal.Tests.Infrastructure;
using Bunit;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using MudBlazor.Services;
using static BacklogPortal.Tests.EtaChanges.EtaTestData;

namespace BacklogPortal.Tests.Staff;

/// <summary>The single-line dialog against the real service and database: what the second of two editors sees.</summary>
public sealed class ChangeLineEtaDialogTests(PortalAppFactory factory) : IClassFixture<PortalAppFactory>, IAsyncLifetime
{
    private readonly BunitContext context = new();
    private readonly EtaTestData data = new(factory);

    public Task InitializeAsync()
    {
        context.JSInterop.Mode = JSRuntimeMode.Loose;
        context.Services.AddMudServices();
        context.Services.AddLogging();
        context.Services.AddSingleton(factory.Services.GetRequiredService<EtaChangeService>());
        context.Services.AddScoped<StaffAccess>();
        var authorization = context.AddAuthorization();
        authorization.SetAuthorized("staff@example.com");
        authorization.SetRoles(Roles.Staff);
        authorization.SetPolicies(Policies.Staff);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await context.DisposeAsync();

    [Fact]
    public async Task SecondEditorGetsAClearConflictMessageAndTheFirstEditStays()
    {
        var product = await data.ProductWithLinesAsync(1, new LineSpec(Promised));
        var line = (await data.LinesOfAsync(product)).Single();
        var seen = new StaffLine(line.Id, line.Version, "Test customer", "T-1", "T-1", 1, product.Sku, product.Name, new LineState(BacklogKind.Backorder,
            10, 0, 0, Promised, Promised, 0, LineStatus.Open, false, CustomerResponse.None));
        var providers = await OpenDialogAsync(seen);

        // The first editor saves while the second still has the dialog open.
        await data.Service.ChangeAsync(Request(EtaChangeTarget.ForLine(line.Id, line.Version), Promised.AddDays(5)));
        var reason = providers.FindComponent<MudSelect<EtaReasonCode?>>();
        await providers.InvokeAsync(() => reason.Instance.ValueChanged.InvokeAsync(EtaReasonCode.Transport));
        providers.Find("button[data-testid=eta-save]").Click();

        providers.WaitForAssertion(() =>
            Assert.Contains("changed by someone else", providers.Find("[data-testid=eta-conflict]").TextContent));
        Assert.Empty(providers.FindAll("button[data-testid=eta-save]"));
        Assert.Equal(Promised.AddDays(5), (await data.LinesOfAsync(product)).Single().Eta);
    }

    [Fact]
    public async Task SavingWithoutAReasonShowsTheMessageAndWritesNothing()
    {
        var product = await data.ProductWithLinesAsync(1, new LineSpec(Promised));
        var line = (await data.LinesOfAsync(product)).Single();
        var seen = new StaffLine(line.Id, line.Version, "Test customer", "T-1", "T-1", 1, product.Sku, product.Name, new LineState(BacklogKind.Backorder,
            10, 0, 0, Promised, Promised, 0, LineStatus.Open, false, CustomerResponse.None));
        var providers = await OpenDialogAsync(seen);

        providers.Find("button[data-testid=eta-save]").Click();

        providers.WaitForAssertion(() => Assert.Contains("Choose a reason for the change.", providers.Markup));
        Assert.Empty(await data.ChangesOfAsync(product));
    }

    private async Task<IRenderedComponent<MudDialogProvider>> OpenDialogAsync(StaffLine line)
    {
        context.Render<MudPopoverProvider>();
        var providers = context.Render<MudDialogProvider>();
        var dialogs = context.Services.GetRequiredService<IDialogService>();
        await providers.InvokeAsync(() => dialogs.ShowAsync<ChangeLineEtaDialog>("Change ETA", new DialogParameters<ChangeLineEtaDialog>
        {
            { d => d.Line, line },
            { d => d.Today, DateOnly.FromDateTime(DateTime.UtcNow) },
        }));
        providers.WaitForElement("[data-testid=change-line-eta-dialog]");
        return providers;
    }
}
