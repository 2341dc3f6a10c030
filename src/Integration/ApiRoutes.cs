using BacklogPortal.EtaChanges;

namespace BacklogPortal.Integration;

/// <summary>
/// The whole <c>/api/v1</c> surface on one page: each route, its handler and the answers it documents. An operation's
/// name, summary and description stand as attributes on its handler, beside the code they describe.
/// </summary>
public static class ApiRoutes
{
    public static RouteGroupBuilder MapApiRoutes(this RouteGroupBuilder api)
    {
        var customers = api.MapGroup("/customers").WithTags("Customers");
        customers.MapPut("/{customerNumber}", CustomerEndpoints.PutAsync).Upsert<CustomerBody, CustomerResource>();
        customers.MapGet("/{customerNumber}/open-lines", CustomerEndpoints.GetOpenLinesAsync)
            .Produces<OpenLinesPage>().ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);

        var products = api.MapGroup("/products").WithTags("Products");
        products.MapPut("/{sku}", ProductEndpoints.PutAsync).Upsert<ProductBody, ProductResource>();
        products.MapPost("/{sku}/eta-changes", ProductEndpoints.PostEtaChangeAsync).Command<EtaBody, EtaChangeSummary>();

        var orders = api.MapGroup("/orders").WithTags("Orders");
        orders.MapPut("/{orderNumber}", OrderEndpoints.PutAsync).Upsert<OrderBody, OrderUpsertResource>();
        orders.MapGet("/{orderNumber}", OrderEndpoints.GetAsync).Produces<OrderResource>().ProducesProblem(StatusCodes.Status404NotFound);

        var line = orders.MapGroup("/{orderNumber}/lines/{lineNumber:int}");
        line.MapPut("/eta", OrderEndpoints.PutEtaAsync).Command<EtaBody, LineEtaResource>();
        line.MapPost("/shipments", OrderEndpoints.PostShipmentAsync).Command<ShipmentBody, LineQuantitiesResource>(StatusCodes.Status201Created);
        line.MapPost("/cancellations", OrderEndpoints.PostCancellationAsync).Command<CancellationBody, LineQuantitiesResource>(StatusCodes.Status201Created);

        api.MapGet("/events", EventEndpoints.GetAsync).WithTags("Events").Produces<EventsPage>().ProducesValidationProblem();
        return api;
    }
}
