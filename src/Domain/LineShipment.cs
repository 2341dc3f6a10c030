namespace BacklogPortal.Domain;

/// <summary>A shipment of some or all of a line's open quantity: written with the line's new quantities, in one transaction.</summary>
public class LineShipment
{
    public long Id { get; set; }

    public int OrderLineId { get; set; }

    public OrderLine? OrderLine { get; set; }

    /// <summary>Copied from the line so that a customer's shipments are read without joins.</summary>
    public int CustomerId { get; set; }

    public int Quantity { get; set; }

    public DateOnly ShippedOn { get; set; }

    public string? Carrier { get; set; }

    public string? TrackingNumber { get; set; }

    public ChangeSource Source { get; set; }

    /// <summary>A staff user's email or an API client's name.</summary>
    public required string RecordedBy { get; set; }

    public DateTimeOffset RecordedAt { get; set; }
}

/// <summary>Open quantity of a line cancelled by the seller (staff or ERP); a customer's own cancellation is recorded on the line.</summary>
public class LineCancellation
{
    public long Id { get; set; }

    public int OrderLineId { get; set; }

    public OrderLine? OrderLine { get; set; }

    public int CustomerId { get; set; }

    public int Quantity { get; set; }

    public string? Reason { get; set; }

    public ChangeSource Source { get; set; }

    public required string RecordedBy { get; set; }

    public DateTimeOffset RecordedAt { get; set; }
}
