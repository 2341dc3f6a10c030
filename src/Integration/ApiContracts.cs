using System.Text.Json.Serialization;

namespace BacklogPortal.Integration;

// The API's JSON contract: camelCase names, enums as camelCase strings, dates as yyyy-MM-dd.
// Request members are nullable so that a missing value is reported as a field error, not defaulted.

/// <summary>PUT /api/v1/customers/{customerNumber}. Omitted optional members keep their current value.</summary>
public sealed record CustomerBody(string? Name, string? NotificationEmail, string? Culture, string? TimeZone);

public sealed record CustomerResource(string CustomerNumber, string Name, string? NotificationEmail, string Culture, string TimeZone);

/// <summary>PUT /api/v1/products/{sku}. <c>releaseDate</c> null: released (or not a pre-order product).</summary>
public sealed record ProductBody(string? Name, decimal? UnitPrice, DateOnly? ReleaseDate);

/// <param name="ReleaseDateMoved">The pre-order lines that followed the old release date and moved with it.</param>
public sealed record ProductResource(string Sku, string Name, decimal UnitPrice, DateOnly? ReleaseDate, ReleaseDateMoveResource? ReleaseDateMoved);

public sealed record ReleaseDateMoveResource(DateOnly From, DateOnly To, int Lines, int Customers);

/// <summary>PUT /api/v1/orders/{orderNumber}: lines absent from a repeat are left alone.</summary>
public sealed record OrderBody(string? CustomerNumber, DateOnly? OrderDate, List<OrderLineBody?>? Lines);

/// <param name="UnitPrice">Optional: the product's price when omitted.</param>
/// <param name="Eta">The expected date; null or omitted: not yet known.</param>
public sealed record OrderLineBody(
    int? LineNumber, string? Sku, BacklogKind? Kind, int? Quantity, decimal? UnitPrice, DateOnly? PromisedDate, DateOnly? Eta);

/// <summary>What an order upsert did.</summary>
public sealed record OrderUpsertResource(string OrderNumber, bool Created, int LinesCreated, int LinesUpdated, int EtasChanged);

public sealed record OrderResource(string OrderNumber, string CustomerNumber, DateOnly OrderDate, IReadOnlyList<OrderLineResource> Lines);

public sealed record OrderLineResource(
    int LineNumber,
    string Sku,
    string ProductName,
    BacklogKind Kind,
    LineStatus Status,
    int QuantityOrdered,
    int QuantityShipped,
    int QuantityCancelled,
    int QuantityOpen,
    decimal UnitPrice,
    DateOnly? PromisedDate,
    DateOnly? Eta,
    int EtaChangeCount,
    bool ConsentRequired,
    CustomerResponse CustomerResponse,
    DateTimeOffset? CustomerRespondedAt,
    IReadOnlyList<ShipmentResource> Shipments);

public sealed record ShipmentResource(int Quantity, DateOnly ShippedOn, string? Carrier, string? TrackingNumber);

/// <summary>PUT /api/v1/orders/{orderNumber}/lines/{lineNumber}/eta. <c>eta</c> must be present; null means "not yet known".</summary>
public sealed record EtaBody([property: JsonRequired] DateOnly? Eta, EtaReasonCode? ReasonCode, string? ReasonText);

/// <param name="Changed">False when the line was already at that date (nothing written, no email).</param>
public sealed record LineEtaResource(string OrderNumber, int LineNumber, DateOnly? Eta, bool Changed);

/// <summary>What an ETA change for every open line of a SKU touched.</summary>
public sealed record EtaChangeSummary(int Lines, int Customers);

public sealed record ShipmentBody(int? Quantity, DateOnly? ShippedOn, string? Carrier, string? TrackingNumber);

public sealed record CancellationBody(int? Quantity, string? Reason);

/// <summary>The line after a shipment or cancellation.</summary>
public sealed record LineQuantitiesResource(
    string OrderNumber, int LineNumber, LineStatus Status, int QuantityOrdered, int QuantityShipped, int QuantityCancelled, int QuantityOpen);

public sealed record OpenLineResource(
    string OrderNumber,
    int LineNumber,
    string Sku,
    BacklogKind Kind,
    LineStatus Status,
    int QuantityOrdered, int QuantityShipped, int QuantityCancelled, int QuantityOpen,
    DateOnly? PromisedDate,
    DateOnly? Eta,
    CustomerResponse CustomerResponse);

/// <param name="NextCursor">Pass as <c>cursor</c> for the next page; null on the last page.</param>
public sealed record OpenLinesPage(IReadOnlyList<OpenLineResource> Lines, string? NextCursor);

public sealed record EventResource(
    long Sequence,
    IntegrationEventType Type,
    DateTimeOffset OccurredAt,
    string CustomerNumber,
    string OrderNumber,
    int LineNumber,
    string Sku,
    int? Quantity,
    DateOnly? Eta,
    DateOnly? ShippedOn,
    string? Carrier,
    string? TrackingNumber,
    string? Reason,
    ChangeSource Source,
    string By);

/// <param name="Next">Pass as <c>after</c> for the next call: the last sequence read (the same <c>after</c> when nothing is new).</param>
public sealed record EventsPage(IReadOnlyList<EventResource> Events, long Next);
