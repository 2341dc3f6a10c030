using BacklogPortal.Staff.Dashboard;
using BacklogPortal.Staff.Lines;

namespace BacklogPortal.Staff;

public static class StaffExtensions
{
    /// <summary>The staff workspace's queries (its pages change ETAs through <c>AddEtaChanges()</c>).</summary>
    public static IHostApplicationBuilder AddStaff(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<StaffBacklogQuery>();
        builder.Services.AddSingleton<StaffDashboardQuery>();
        return builder;
    }
}
