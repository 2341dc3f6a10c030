using BacklogPortal.Staff.Access;
using BacklogPortal.Staff.Admin;
using BacklogPortal.Staff.Dashboard;
using BacklogPortal.Staff.Lines;
using BacklogPortal.Staff.Orders;
using BacklogPortal.Staff.Products;

namespace BacklogPortal.Staff;

public static class StaffExtensions
{
    /// <summary>The staff workspace's queries (its pages change ETAs through <c>AddEtaChanges()</c>).</summary>
    public static IHostApplicationBuilder AddStaff(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<StaffBacklogQuery>();
        builder.Services.AddSingleton<StaffLineHistory>();
        builder.Services.AddSingleton<StaffOrderView>();
        builder.Services.AddSingleton<StaffProductsQuery>();
        builder.Services.AddSingleton<UserAdministration>();
        builder.Services.AddScoped<StaffAccess>();
        builder.Services.AddSingleton<StaffDashboardQuery>();
        return builder;
    }
}
