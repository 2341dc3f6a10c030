namespace BacklogPortal.Fulfilment;

public static class FulfilmentExtensions
{
    /// <summary>The write path of shipments and cancellations (staff pages and the ERP API).</summary>
    public static IHostApplicationBuilder AddFulfilment(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<LineFulfilmentService>();
        return builder;
    }
}
