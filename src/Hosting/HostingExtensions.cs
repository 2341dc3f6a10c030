using Microsoft.Extensions.Options;
using MudBlazor.Services;

namespace BacklogPortal.Hosting;

public static class HostingExtensions
{
    /// <summary>
    /// What every feature builds on: <see cref="PortalOptions"/> (public address, data folder), the
    /// clock, Blazor (Interactive Server) and MudBlazor.
    /// </summary>
    public static IHostApplicationBuilder AddHosting(this IHostApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<PortalOptions>(PortalOptions.SectionName);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddRazorComponents().AddInteractiveServerComponents();
        builder.Services.AddMudServices();
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
}
