namespace BacklogPortal.Domain;

/// <summary>
/// The audit trail of an order line's ETA: written in the same transaction as the change itself.
/// </summary>
public class EtaChange : LineRecord
{
    public const int MaxReasonTextLength = 500;

    public const int MaxChangedByLength = 256;

    public DateOnly? OldEta { get; set; }

    public DateOnly? NewEta { get; set; }

    public EtaReasonCode ReasonCode { get; set; }

    [MaxLength(MaxReasonTextLength)]
    public string? ReasonText { get; set; }

    public ChangeSource Source { get; set; }

    /// <summary>Who made the change: a user's email, an API client's name or an import file.</summary>
    [MaxLength(MaxChangedByLength)]
    public required string ChangedBy { get; set; }

    public DateTimeOffset ChangedAt { get; set; }

    /// <summary>Groups the changes of one action (a bulk change, an import file, an API call).</summary>
    public Guid? BatchId { get; set; }
}

public enum EtaReasonCode
{
    Other = 0,
    SupplierDelay = 1,
    Production = 2,
    Transport = 3,
    ReleaseDateMoved = 4,
    StockArrivedEarly = 5,
    InitialEstimate = 6,
}

public enum ChangeSource
{
    Staff = 0,
    Import = 1,
    Api = 2,
    System = 3,

    /// <summary>A customer user in the portal (answers to delays).</summary>
    Customer = 4,
}
