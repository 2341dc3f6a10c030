using BacklogPortal.Hosting;

namespace BacklogPortal.Backlog;

public static class BacklogExtensions
{
    /// <summary>The customer's backlog query and the live updates of open customer pages.</summary>
    public static IHostApplicationBuilder AddBacklog(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<CustomerBacklog>();
        builder.Services.AddValidatedOptions<LiveUpdatesOptions>(LiveUpdatesOptions.SectionName);
        builder.Services.AddSingleton<LineChangeFeed>();
        builder.Services.AddHostedService(services => services.GetRequiredService<LineChangeFeed>());
        return builder;
    }
}
