namespace BacklogPortal.Backlog;

public static class BacklogExtensions
{
    public static IHostApplicationBuilder AddBacklog(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<CustomerBacklog>();
        return builder;
    }
}
