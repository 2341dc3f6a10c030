using BacklogPortal.Integration.ApiKeys;

namespace BacklogPortal.Integration;

public static class IntegrationExtensions
{
    /// <summary>The ERP integration: API keys, the <c>/api/v1</c> endpoints and their contract.</summary>
    public static IHostApplicationBuilder AddIntegration(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<ApiKeyService>();
        return builder;
    }
}
