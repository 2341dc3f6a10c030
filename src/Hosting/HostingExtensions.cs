using BacklogPortal.Components;
using BacklogPortal.Components.Account;
using BacklogPortal.Data.Demo;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using MudBlazor.Services;

namespace BacklogPortal.Hosting;

public static class HostingExtensions
{
    /// <summary>Blazor (Interactive Server), MudBlazor and the app-wide services every feature uses.</summary>
    public static IHostApplicationBuilder AddPortalUi(this IHostApplicationBuilder builder)
    {
        builder.Services.AddRazorComponents().AddInteractiveServerComponents();
        builder.Services.AddMudServices();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddScoped<DemoDataSeeder>();
        builder.AddSecurityDefaults();
        builder.AddCircuitLimits();
        if (builder.Environment.IsDevelopment())
        {
            builder.Services.AddDatabaseDeveloperPageExceptionFilter();
        }
        return builder;
    }

    /// <summary>
    /// No server banner; cookies marked Secure whenever the request came over HTTPS (directly or, with
    /// forwarded headers on, through a TLS proxy), so a plain-HTTP developer run still works.
    /// </summary>
    private static void AddSecurityDefaults(this IHostApplicationBuilder builder)
    {
        builder.Services.Configure<KestrelServerOptions>(kestrel => kestrel.AddServerHeader = false);
        builder.Services.Configure<AntiforgeryOptions>(antiforgery =>
        {
            antiforgery.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            antiforgery.Cookie.SameSite = SameSiteMode.Strict;
        });
        builder.Services.ConfigureApplicationCookie(cookie => cookie.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest);
    }

    /// <summary>The request pipeline: errors, static assets, sign-in limits, pages and endpoints.</summary>
    public static WebApplication UsePortal(this WebApplication app)
    {
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

        app.UseRateLimiter();
        app.UseCircuitLimits();
        app.UseAntiforgery();

        app.MapStaticAssets();
        app.MapHealthChecks("/health", new HealthCheckOptions { AllowCachingResponses = false });
        // The portal's own policy (SecurityHeaders) carries frame-ancestors already.
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode(server => server.ContentSecurityFrameAncestorsPolicy = null);
        app.MapAdditionalIdentityEndpoints();
        return app;
    }
}
