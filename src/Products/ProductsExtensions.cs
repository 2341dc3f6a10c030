namespace BacklogPortal.Products;

public static class ProductsExtensions
{
    /// <summary>Products and release dates (staff product page and the ERP API).</summary>
    public static IHostApplicationBuilder AddProducts(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<ProductCatalog>();
        return builder;
    }
}
