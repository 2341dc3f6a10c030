namespace BacklogPortal.EtaChanges;

public static class EtaChangesExtensions
{
    /// <summary>The ETA write path.</summary>
    public static IHostApplicationBuilder AddEtaChanges(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<EtaChangeService>();
        return builder;
    }
}
