using BacklogPortal.Backlog;
using BacklogPortal.Calendar;
using BacklogPortal.Components;
using BacklogPortal.Components.Account;
using BacklogPortal.Data;
using BacklogPortal.Email;
using BacklogPortal.EtaChanges;
using BacklogPortal.Export;
using BacklogPortal.Fulfilment;
using BacklogPortal.Hosting;
using BacklogPortal.Integration;
using BacklogPortal.Localization;
using BacklogPortal.Import;
using BacklogPortal.Notifications;
using BacklogPortal.Orders;
using BacklogPortal.Products;
using BacklogPortal.Settings;
using BacklogPortal.Staff;
using BacklogPortal.Telemetry;

namespace BacklogPortal;

/// <summary>
/// The whole portal in two calls, used by Program.cs, the test hosts and the bench hosts alike: every
/// feature's own <c>AddXyz()</c>, and the request pipeline.
/// </summary>
public static class PortalExtensions
{
    public static IHostApplicationBuilder AddPortal(this IHostApplicationBuilder builder)
    {
        builder.AddHosting();
        builder.AddTelemetry();
        builder.AddPortalLocalization();
        builder.AddData();
        builder.AddEmail();
        builder.AddNotifications();
        builder.AddPortalIdentity();
        builder.AddEtaChanges();
        builder.AddBacklog();
        builder.AddOrders();
        builder.AddStaff();
        builder.AddFulfilment();
        builder.AddProducts();
        builder.AddIntegration();
        builder.AddImport();
        builder.AddSettings();
        builder.AddCalendar();
        builder.AddExport();
        return builder;
    }

    /// <summary>The request pipeline: errors, static assets, sign-in limits, pages and endpoints.</summary>
    public static WebApplication UsePortal(this WebApplication app)
    {
        // Every setting registered with ValidateOnStart is checked now, on the thread that starts the portal and
        // before any background service runs: a bad setting stops the start with the message that names its key,
        // never with the error of a service that was already being torn down.
        app.Services.GetService<Microsoft.Extensions.Options.IStartupValidator>()?.Validate();
        // First, so that every response carries the headers: pages, static files, errors, endpoints.
        app.UseSecurityHeaders();
        if (app.Environment.IsDevelopment())
        {
            app.UseMigrationsEndPoint();
        }
        else
        {
            app.UseExceptionHandler("/Error", createScopeForErrors: true);
            app.UseHsts();
        }
        app.UseStatusCodePagesWithReExecute("/not-found", createScopeForStatusCodePages: true);
        // Named here, after the headers, so that authentication's own answers (an API key's 401, a sign-in
        // redirect) carry them too; ASP.NET Core would otherwise put both first in the pipeline.
        app.UseAuthentication();
        app.UseAuthorization();
        // After authentication: a signed-in customer's pages (and the circuit the Blazor hub starts) take their account's language.
        app.UsePortalLocalization();

        app.UseRateLimiter();
        app.UseCircuitLimits();
        app.UseIntegration();
        app.UseAntiforgery();

        app.MapStaticAssets();
        app.MapHealthEndpoints();
        app.MapTelemetryEndpoints();
        // The portal's own policy (SecurityHeaders) carries frame-ancestors already.
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode(server => server.ContentSecurityFrameAncestorsPolicy = null);
        app.MapAdditionalIdentityEndpoints();
        app.MapCalendar();
        app.MapExport();
        return app;
    }
}
