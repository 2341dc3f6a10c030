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
        builder.Services.AddOptions<PortalOptions>()
            .BindConfiguration(PortalOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddRazorComponents().AddInteractiveServerComponents();
        builder.Services.AddMudServices();
        if (builder.Environment.IsDevelopment())
        {
            builder.Services.AddDatabaseDeveloperPageExceptionFilter();
        }
        return builder;
    }
}
