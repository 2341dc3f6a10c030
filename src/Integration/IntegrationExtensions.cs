using System.Text.Json;
using System.Text.Json.Serialization;
using BacklogPortal.Hosting;
using BacklogPortal.Integration.ApiKeys;
using Scalar.AspNetCore;

namespace BacklogPortal.Integration;

public static class IntegrationExtensions
{
    public const string ApiPolicy = "ErpApi";

    /// <summary>The ERP integration: API keys, the <c>/api/v1</c> endpoints and their contract.</summary>
    public static IHostApplicationBuilder AddIntegration(this IHostApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<IntegrationOptions>(IntegrationOptions.SectionName);
        builder.Services.AddSingleton<ApiKeyService>();
        builder.Services.AddSingleton<ErpOrders>();

        builder.Services.AddAuthentication()
            .AddScheme<Microsoft.AspNetCore.Authentication.AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);
        // Only the key scheme: a portal cookie does not open the API.
        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(ApiPolicy, policy => policy.AddAuthenticationSchemes(ApiKeyAuthenticationHandler.SchemeName).RequireAuthenticatedUser());
        builder.Services.AddRateLimiter(limiter => limiter.AddPolicy<string, ApiRateLimitPolicy>(ApiRateLimitPolicy.Name));
        builder.Services.AddProblemDetails();
        builder.Services.ConfigureHttpJsonOptions(json =>
        {
            json.SerializerOptions.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase, allowIntegerValues: false));
            json.SerializerOptions.NumberHandling = JsonNumberHandling.Strict;
        });
        builder.Services.AddOpenApi(ApiDocument.Name, ApiDocument.Configure);
        return builder;
    }

    /// <summary>The API's request handling (after authentication and rate limiting), its endpoints and contract.</summary>
    public static WebApplication UseIntegration(this WebApplication app)
    {
        app.UseWhen(context => context.Request.Path.StartsWithSegments("/api"), api => api
            .UseMiddleware<ApiRequestMiddleware>()
            .UseMiddleware<IdempotencyMiddleware>());

        app.MapGroup("/api/v1")
            .RequireAuthorization(ApiPolicy)
            .RequireRateLimiting(ApiRateLimitPolicy.Name)
            .MapApiRoutes();

        app.MapOpenApi("/openapi/{documentName}.json");
        if (app.Environment.IsDevelopment())
        {
            // Scalar starts itself with an inline module script that cannot carry the pages' nonce.
            app.UseWhen(context => context.Request.Path.StartsWithSegments("/api/reference"), reference => reference.Use((context, next) =>
            {
                context.AllowInlineScripts();
                return next(context);
            }));
            // Scalar's script is embedded in the package and served by the app itself; no CDN, no web fonts.
            app.MapScalarApiReference("/api/reference", reference => reference
                .WithTitle("BacklogPortal ERP API")
                .WithOpenApiRoutePattern("/openapi/{documentName}.json")
                .DisableDefaultFonts());
        }
        return app;
    }
}
