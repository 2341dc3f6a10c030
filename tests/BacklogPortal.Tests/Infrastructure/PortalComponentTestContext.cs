using Bunit;
using BacklogPortal.Data;
using Microsoft.AspNetCore.Components;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using MudBlazor.Services;

namespace BacklogPortal.Tests.Infrastructure;

/// <summary>
/// The shared bUnit context: loose JS interop, MudBlazor services, authorization, an interactive
/// renderer, a fake clock and a real migrated SQLite database behind IDbContextFactory.
/// MudBlazor's services need async disposal, hence IAsyncLifetime.
/// </summary>
public abstract class PortalComponentTestContext : BunitContext, IAsyncLifetime
{
    protected PortalComponentTestContext()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices();
        // The customer pages' strings (IStringLocalizer<CustomerTexts>); the test thread's culture picks the language.
        Services.AddLocalization();
        Authorization = AddAuthorization();
        Services.AddSingleton<TimeProvider>(Clock);
        // The live updates every customer page subscribes to; tests poll with PollOnceAsync instead of the timer.
        Services.AddLogging();
        Services.AddSingleton(Microsoft.Extensions.Options.Options.Create(new BacklogPortal.Backlog.LiveUpdatesOptions()));
        Services.AddSingleton<BacklogPortal.Backlog.LineChangeFeed>();
    }

    protected FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 11, 26, 9, 0, 0, TimeSpan.Zero));

    protected DateOnly Today => DateOnly.FromDateTime(Clock.GetUtcNow().UtcDateTime);

    protected Bunit.TestDoubles.BunitAuthorizationContext Authorization { get; }

    protected TestDatabase Database { get; private set; } = default!;

    protected BacklogBuilder Build { get; private set; } = default!;

    /// <summary>
    /// Renders a page the way Interactive Server does, after a popover provider (menus, selects).
    /// All services must be registered before the first render.
    /// </summary>
    protected IRenderedComponent<TComponent> RenderInteractive<TComponent>() where TComponent : IComponent
    {
        SetRendererInfo(new RendererInfo("Server", isInteractive: true));
        Render<MudBlazor.MudPopoverProvider>();
        return Render<TComponent>();
    }

    /// <summary>
    /// The ETA write path and the staff queries, as the staff pages use them, over this context's
    /// database, with a signed-in staff user (every staff action checks the role on the server).
    /// </summary>
    protected void AddStaffServices()
    {
        Services.AddLogging();
        Services.AddSingleton<BacklogPortal.Notifications.OutboxSignal>();
        Services.AddSingleton<BacklogPortal.EtaChanges.EtaChangeService>();
        Services.AddSingleton<BacklogPortal.Staff.Lines.StaffBacklogQuery>();
        Services.AddSingleton<BacklogPortal.Staff.Lines.StaffLineHistory>();
        Services.AddScoped<BacklogPortal.Staff.Access.StaffAccess>();
        Authorization.SetAuthorized("staff@example.com");
        Authorization.SetRoles(BacklogPortal.Domain.Roles.Staff);
        Authorization.SetPolicies(BacklogPortal.Components.Account.Policies.Staff);
    }

    public virtual async Task InitializeAsync()
    {
        Database = await TestDatabase.CreateAsync();
        Build = new BacklogBuilder(Database);
        Services.AddSingleton<IDbContextFactory<PortalDbContext>>(Database);
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        await Database.DisposeAsync();
    }
}
