namespace BacklogPortal.Orders;

public static class OrdersExtensions
{
    /// <summary>The customer's order detail page and their answers to delays.</summary>
    public static IHostApplicationBuilder AddOrders(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<OrderDetails>();
        builder.Services.AddSingleton<CustomerResponses>();
        return builder;
    }
}
