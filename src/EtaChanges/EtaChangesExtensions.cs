using BacklogPortal.Staff.Lines;

namespace BacklogPortal.EtaChanges;

public static class EtaChangesExtensions
{
    /// <summary>The ETA write path and the staff lines workspace that drives it.</summary>
    public static IHostApplicationBuilder AddEtaChanges(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<EtaChangeService>();
        builder.Services.AddSingleton<StaffBacklogQuery>();
        return builder;
    }
}
