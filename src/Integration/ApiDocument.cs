using System.Text.Json;
using System.Text.Json.Nodes;
using BacklogPortal.Integration.ApiKeys;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace BacklogPortal.Integration;

/// <summary>The OpenAPI document at <c>/openapi/v1.json</c>: the ERP API only, with its key scheme, headers and examples.</summary>
internal static class ApiDocument
{
    public const string Name = "v1";

    public static void Configure(OpenApiOptions options)
    {
        options.ShouldInclude = description => description.RelativePath?.StartsWith("api/v1/", StringComparison.OrdinalIgnoreCase) == true;
        options.AddDocumentTransformer((document, context, cancellationToken) =>
        {
            document.Info = new OpenApiInfo
            {
                Title = "BacklogPortal ERP API",
                Version = "v1",
                Description = "Customers, products, orders, ETAs, shipments and cancellations from the ERP; customer decisions back through /api/v1/events. "
                    + "JSON with camelCase names, enums as camelCase strings, dates as yyyy-MM-dd. Errors are RFC 9457 problem details. "
                    + "Send Idempotency-Key on a POST or PUT to make a retry safe.",
            };
            document.Components ??= new OpenApiComponents();
            document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
            document.Components.SecuritySchemes[ApiKeyAuthenticationHandler.SchemeName] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.ApiKey,
                In = ParameterLocation.Header,
                Name = ApiKeyAuthenticationHandler.HeaderName,
                Description = "An API key created by a portal Admin.",
            };
            document.Security ??= [];
            document.Security.Add(new OpenApiSecurityRequirement
            {
                [new OpenApiSecuritySchemeReference(ApiKeyAuthenticationHandler.SchemeName, document)] = [],
            });
            return Task.CompletedTask;
        });
        options.AddOperationTransformer((operation, context, cancellationToken) =>
        {
            var method = context.Description.HttpMethod;
            if (method is "POST" or "PUT")
            {
                operation.Parameters ??= [];
                operation.Parameters.Add(new OpenApiParameter
                {
                    Name = IdempotencyMiddleware.HeaderName,
                    In = ParameterLocation.Header,
                    Required = false,
                    Description = "Makes a retry safe: the first answer is kept for 24 hours and returned again for the same key and request; the same key with another request gets 422.",
                    Schema = new OpenApiSchema { Type = JsonSchemaType.String, MaxLength = IdempotencyRecord.MaxKeyLength },
                    Example = JsonValue.Create("8c5d1f7e-4b1a-4bd2-9a53-0d6f3c7f2a11"),
                });
            }
            operation.Responses ??= [];
            operation.Responses.TryAdd("401", new OpenApiResponse { Description = "No API key, or an unknown or revoked one (problem details)." });
            operation.Responses.TryAdd("429", new OpenApiResponse { Description = "Too many requests for this key; see Retry-After (problem details)." });
            return Task.CompletedTask;
        });
        options.AddSchemaTransformer((schema, context, cancellationToken) =>
        {
            if (Examples.TryGetValue(context.JsonTypeInfo.Type, out var example))
            {
                var json = context.ApplicationServices.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
                schema.Examples = [JsonSerializer.SerializeToNode(example, context.JsonTypeInfo.Type, json)!];
            }
            return Task.CompletedTask;
        });
    }

    private static readonly Dictionary<Type, object> Examples = new()
    {
        [typeof(CustomerBody)] = new CustomerBody("Northwind Traders", "purchasing@northwind.example", "en-US", "America/New_York"),
        [typeof(CustomerResource)] = new CustomerResource("C-1001", "Northwind Traders", "purchasing@northwind.example", "en-US", "America/New_York"),
        [typeof(ProductBody)] = new ProductBody("Tablet 11 Pro (2027)", 899.00m, new DateOnly(2027, 3, 15)),
        [typeof(ProductResource)] = new ProductResource("TAB-11-PRO", "Tablet 11 Pro (2027)", 899.00m, new DateOnly(2027, 3, 29),
            new ReleaseDateMoveResource(new DateOnly(2027, 3, 15), new DateOnly(2027, 3, 29), 42, 17)),
        [typeof(OrderBody)] = new OrderBody("C-1001", new DateOnly(2027, 1, 10),
        [
            new OrderLineBody(1, "KB-MX-210", BacklogKind.Backorder, 25, 89.00m, new DateOnly(2027, 1, 24), new DateOnly(2027, 2, 7)),
            new OrderLineBody(2, "TAB-11-PRO", BacklogKind.PreOrder, 10, null, new DateOnly(2027, 3, 15), new DateOnly(2027, 3, 15)),
        ]),
        [typeof(OrderUpsertResource)] = new OrderUpsertResource("SO-100234", true, 2, 0, 0),
        [typeof(EtaBody)] = new EtaBody(new DateOnly(2027, 2, 21), EtaReasonCode.SupplierDelay, "Supplier shipment rescheduled"),
        [typeof(LineEtaResource)] = new LineEtaResource("SO-100234", 1, new DateOnly(2027, 2, 21), true),
        [typeof(EtaChangeSummary)] = new EtaChangeSummary(128, 37),
        [typeof(ShipmentBody)] = new ShipmentBody(10, new DateOnly(2027, 2, 20), "DHL", "JD014600006281230000"),
        [typeof(CancellationBody)] = new CancellationBody(5, "Customer reduced the order by phone"),
        [typeof(LineQuantitiesResource)] = new LineQuantitiesResource("SO-100234", 1, LineStatus.PartiallyShipped, 25, 10, 0, 15),
        [typeof(EventsPage)] = new EventsPage(
        [
            new EventResource(41, IntegrationEventType.NewDateAccepted, new DateTimeOffset(2027, 2, 3, 9, 14, 0, TimeSpan.Zero), "C-1001", "SO-100234", 1,
                "KB-MX-210", null, new DateOnly(2027, 2, 21), null, null, null, null, ChangeSource.Customer, "alice@example.com"),
            new EventResource(42, IntegrationEventType.CancelledByCustomer, new DateTimeOffset(2027, 2, 3, 9, 20, 0, TimeSpan.Zero), "C-1001", "SO-100234", 2,
                "TAB-11-PRO", 10, new DateOnly(2027, 3, 29), null, null, null, null, ChangeSource.Customer, "alice@example.com"),
        ], 42),
    };
}
