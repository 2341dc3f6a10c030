namespace BacklogPortal.Domain;

/// <summary>
/// What a shipment and a cancellation record alike: which line, how many units, who recorded it, from where and
/// when. Written with the line's new quantities, in one transaction (Fulfilment/LineFulfilmentService). Not an
/// entity of its own: each kind has its table.
/// </summary>
public abstract class LineFulfilmentRecord : LineRecord
{
    public const int MaxRecordedByLength = 256;

    public int Quantity { get; set; }

    public ChangeSource Source { get; set; }

    /// <summary>A staff user's email or an API client's name.</summary>
    [MaxLength(MaxRecordedByLength)]
    public required string RecordedBy { get; set; }

    public DateTimeOffset RecordedAt { get; set; }
}

/// <summary>A shipment of some or all of a line's open quantity.</summary>
public class LineShipment : LineFulfilmentRecord
{
    public const int MaxCarrierLength = 100;
    public const int MaxTrackingNumberLength = 100;

    public DateOnly ShippedOn { get; set; }

    [MaxLength(MaxCarrierLength)]
    public string? Carrier { get; set; }

    [MaxLength(MaxTrackingNumberLength)]
    public string? TrackingNumber { get; set; }
}

/// <summary>Open quantity of a line cancelled by the seller (staff or ERP); a customer's own cancellation is recorded on the line.</summary>
public class LineCancellation : LineFulfilmentRecord
{
    public const int MaxReasonLength = 500;

    [MaxLength(MaxReasonLength)]
    public string? Reason { get; set; }
}
