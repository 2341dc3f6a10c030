namespace BacklogPortal.Domain;

/// <summary>
/// One entry of the append-only feed the ERP reads back (<c>GET /api/v1/events</c>): customer
/// decisions, shipments and cancellations. Written in the same transaction as the change it
/// reports. <see cref="Sequence"/> is gap-free and in commit order, so a reader's cursor never
/// skips or repeats an event (docs/decisions/008-erp-api-and-events-feed.md). Natural keys are copied in,
/// so the feed reads without joins and stays true after the line changes again.
/// </summary>
public class IntegrationEvent
{
    public long Sequence { get; set; }

    public IntegrationEventType Type { get; set; }

    public DateTimeOffset OccurredAt { get; set; }

    public int CustomerId { get; set; }

    [MaxLength(Customer.MaxNumberLength)]
    public required string CustomerNumber { get; set; }

    public int OrderLineId { get; set; }

    [MaxLength(Order.MaxOrderNumberLength)]
    public required string OrderNumber { get; set; }

    public int LineNumber { get; set; }

    [MaxLength(Product.MaxSkuLength)]
    public required string Sku { get; set; }

    /// <summary>Units shipped or cancelled; null for an accepted date.</summary>
    public int? Quantity { get; set; }

    /// <summary>The date the customer accepted; the line's ETA at the time for other events.</summary>
    public DateOnly? Eta { get; set; }

    public DateOnly? ShippedOn { get; set; }

    [MaxLength(LineShipment.MaxCarrierLength)]
    public string? Carrier { get; set; }

    [MaxLength(LineShipment.MaxTrackingNumberLength)]
    public string? TrackingNumber { get; set; }

    [MaxLength(LineCancellation.MaxReasonLength)]
    public string? Reason { get; set; }

    public ChangeSource Source { get; set; }

    /// <summary>Who acted: a customer user's email, a staff user's email or an API client's name.</summary>
    [MaxLength(LineFulfilmentRecord.MaxRecordedByLength)]
    public required string By { get; set; }
}

public enum IntegrationEventType
{
    /// <summary>The customer accepted the line's new (delayed) date.</summary>
    NewDateAccepted = 0,

    /// <summary>The customer cancelled the line's open quantity: do not ship it.</summary>
    CancelledByCustomer = 1,

    /// <summary>A shipment was recorded (by staff; the ERP also sees its own).</summary>
    ShipmentRecorded = 2,

    /// <summary>Staff or the ERP cancelled open quantity.</summary>
    QuantityCancelled = 3,
}
