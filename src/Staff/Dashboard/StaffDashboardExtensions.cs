namespace BacklogPortal.Staff.Dashboard;

public static class StaffDashboardExtensions
{
    /// <summary>The backlog dashboard's figures (<c>/staff</c>).</summary>
    public static IHostApplicationBuilder AddStaffDashboard(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<StaffDashboardQuery>();
        return builder;
    }
}
