namespace BacklogPortal.EtaChanges;

public static class EtaChangesExtensions
{
    /// <summary>The one write path of every ETA change (staff pages, import, API): audit and outbox in one transaction.</summary>
    public static IHostApplicationBuilder AddEtaChanges(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<EtaChangeService>();
        return builder;
    }
}
