using BacklogPortal.Data;
using BacklogPortal.EtaChanges;
using BacklogPortal.Fulfilment;

namespace BacklogPortal.Integration;

/// <summary>The handlers of <c>/api/v1/orders</c> (routes in <see cref="ApiRoutes"/>): orders, and the ETA, shipments and cancellations of their lines.</summary>
public static class OrderEndpoints
{
    [EndpointName("PutOrder"), EndpointSummary("Create or update an order with its lines")]
    [EndpointDescription("Upsert by order number and line number; lines absent from a repeat are left alone. A new line's eta is its initial estimate; a changed eta of an open line is an ETA change (audited and emailed). A line's SKU, kind and promised date cannot change.")]
    internal static async Task<IResult> PutAsync(string orderNumber, HttpContext http, ErpOrders orders, CancellationToken cancellationToken)
    {
        var (body, problem) = await ApiJson.ReadAsync<OrderBody>(http);
        return body is null ? problem! : await orders.UpsertAsync(orderNumber, body, http.ClientName(), cancellationToken);
    }

    [EndpointName("GetOrder"), EndpointSummary("An order with every line's status, quantities, dates, customer response and shipments")]
    internal static async Task<IResult> GetAsync(string orderNumber, ErpOrders orders, CancellationToken cancellationToken) =>
        await orders.GetAsync(orderNumber, cancellationToken) is { } order
            ? TypedResults.Ok(order)
            : ApiProblems.NotFound($"There is no order {orderNumber}.");

    [EndpointName("PutLineEta"), EndpointSummary("Change one line's ETA")]
    [EndpointDescription("eta null: not yet known. Audited, and emailed to the customer after the coalescing window, exactly like a staff change. 409 when a staff edit of the line landed at the same moment: read and retry.")]
    internal static Task<IResult> PutEtaAsync(
        string orderNumber, int lineNumber, HttpContext http, EtaChangeService etaChanges, IDbContextFactory<PortalDbContext> dbFactory, CancellationToken cancellationToken) =>
        OnLineAsync<EtaBody, EtaBody>(http, dbFactory, orderNumber, lineNumber, ApiEta.Validate,
        async (body, line) =>
        {
            // The version read here is the one the change must still find: a staff edit in between is a 409, never a lost update.
            var result = await etaChanges.ChangeAsync(new EtaChangeRequest(
                EtaChangeTarget.ForLine(line.Id, line.Version), body.Eta, body.ReasonCode, body.ReasonText, ChangeSource.Api, http.ClientName()), cancellationToken);
            return ApiEta.ToResult(result, () => TypedResults.Ok(new LineEtaResource(orderNumber, lineNumber,
                result.Outcome == EtaChangeOutcome.Changed ? body.Eta : line.Eta, result.Outcome == EtaChangeOutcome.Changed)));
        },
        cancellationToken);

    [EndpointName("PostShipment"), EndpointSummary("Record a (partial) shipment of the line's open quantity")]
    // 366: LineFulfilmentService.MaxShippedDaysAgo (an attribute cannot format it in; ApiDocumentTests ties the two).
    [EndpointDescription("shippedOn: today or up to 366 days back. Quantity left open keeps the line partiallyShipped; none left closes it (shipped) and it leaves the backlog. The customer is emailed and the shipment appears in the events feed.")]
    internal static Task<IResult> PostShipmentAsync(
        string orderNumber, int lineNumber, HttpContext http, LineFulfilmentService fulfilment, IDbContextFactory<PortalDbContext> dbFactory, CancellationToken cancellationToken) =>
        OnLineAsync(http, dbFactory, orderNumber, lineNumber, (ShipmentBody body, FieldErrors errors) => (
            Quantity: errors.Required("quantity", body.Quantity),
            ShippedOn: errors.Required("shippedOn", body.ShippedOn),
            Carrier: errors.Text("carrier", body.Carrier, LineShipment.MaxCarrierLength),
            Tracking: errors.Text("trackingNumber", body.TrackingNumber, LineShipment.MaxTrackingNumberLength)),
        async (shipment, line) => ToResult(
            await fulfilment.RecordShipmentAsync(new ShipmentRequest(
                line.Id, null, shipment.Quantity!.Value, shipment.ShippedOn!.Value, shipment.Carrier, shipment.Tracking, ChangeSource.Api, http.ClientName()), cancellationToken),
            orderNumber, lineNumber, "shipments"),
        cancellationToken);

    [EndpointName("PostCancellation"), EndpointSummary("Cancel some or all of the line's open quantity")]
    internal static Task<IResult> PostCancellationAsync(
        string orderNumber, int lineNumber, HttpContext http, LineFulfilmentService fulfilment, IDbContextFactory<PortalDbContext> dbFactory, CancellationToken cancellationToken) =>
        OnLineAsync(http, dbFactory, orderNumber, lineNumber, (CancellationBody body, FieldErrors errors) => (
            Quantity: errors.Required("quantity", body.Quantity),
            Reason: errors.Text("reason", body.Reason, LineCancellation.MaxReasonLength)),
        async (cancellation, line) => ToResult(
            await fulfilment.CancelOpenQuantityAsync(new CancellationRequest(
                line.Id, null, cancellation.Quantity!.Value, cancellation.Reason, ChangeSource.Api, http.ClientName()), cancellationToken),
            orderNumber, lineNumber, "cancellations"),
        cancellationToken);

    /// <summary>
    /// A command on one line, in the order every such command answers: a body that is not JSON (400), field errors
    /// (400, all at once), no such line (404); only then <paramref name="act"/> with the checked values and the line.
    /// </summary>
    private static Task<IResult> OnLineAsync<TBody, TChecked>(
        HttpContext http, IDbContextFactory<PortalDbContext> dbFactory, string orderNumber, int lineNumber,
        Func<TBody, FieldErrors, TChecked> check, Func<TChecked, LineKey, Task<IResult>> act, CancellationToken cancellationToken)
        where TBody : class =>
        ApiJson.HandleAsync(http, check, async values =>
            await FindLineAsync(dbFactory, orderNumber, lineNumber, cancellationToken) is { } line
                ? await act(values, line)
                : LineNotFound(orderNumber, lineNumber));

    private static IResult ToResult(FulfilmentResult result, string orderNumber, int lineNumber, string collection)
    {
        switch (result.Outcome)
        {
            case FulfilmentOutcome.Recorded:
                var line = result.Line!;
                return TypedResults.Created(
                    $"/api/v1/orders/{Uri.EscapeDataString(orderNumber)}/lines/{lineNumber}/{collection}/{result.RecordId}",
                    new LineQuantitiesResource(orderNumber, lineNumber, line.Status, line.Ordered, line.Shipped, line.Cancelled, line.Open));
            case FulfilmentOutcome.Conflict:
                return ApiProblems.Conflict(result.Message);
            default:
                var errors = new FieldErrors();
                foreach (var error in result.Errors)
                {
                    errors.Add(ApiEta.FieldName(error.Field), error.Message);
                }
                return errors.ToProblem();
        }
    }

    private sealed record LineKey(int Id, long Version, DateOnly? Eta);

    private static async Task<LineKey?> FindLineAsync(
        IDbContextFactory<PortalDbContext> dbFactory, string orderNumber, int lineNumber, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.OrderLines.AsNoTracking()
            .Where(l => l.Order!.OrderNumber == orderNumber && l.LineNumber == lineNumber)
            .Select(l => new LineKey(l.Id, l.Version, l.Eta))
            .SingleOrDefaultAsync(cancellationToken);
    }

    private static IResult LineNotFound(string orderNumber, int lineNumber) =>
        ApiProblems.NotFound($"There is no line {lineNumber} on order {orderNumber}.");
}
