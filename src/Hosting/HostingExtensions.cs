using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using MudBlazor.Services;

namespace BacklogPortal.Hosting;

public static class HostingExtensions
{
    /// <summary>
    /// What every feature builds on: <see cref="PortalOptions"/> (public address, data folder), the
    /// clock, Blazor (Interactive Server) and MudBlazor, the security defaults and the circuit limits.
    /// </summary>
    public static IHostApplicationBuilder AddHosting(this IHostApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<PortalOptions>(PortalOptions.SectionName);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddRazorComponents().AddInteractiveServerComponents();
        builder.Services.AddMudServices();
        builder.AddSecurityDefaults();
        builder.AddCircuitLimits();
        if (builder.Environment.IsDevelopment())
        {
            builder.Services.AddDatabaseDeveloperPageExceptionFilter();
        }
        return builder;
    }

    /// <summary>
    /// Options bound from <paramref name="sectionName"/> and checked when the portal starts, so a bad
    /// setting stops it with a message that names the key.
    /// </summary>
    public static OptionsBuilder<TOptions> AddValidatedOptions<TOptions>(this IServiceCollection services, string sectionName)
        where TOptions : class =>
        services.AddOptions<TOptions>()
            .BindConfiguration(sectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();

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
}
