namespace BacklogPortal.Domain;

/// <summary>
/// One line of an order that has not shipped in full: a backorder or a pre-order.
/// </summary>
[Index(nameof(OrderId), nameof(LineNumber), IsUnique = true)]
public class OrderLine
{
    public int Id { get; set; }

    public int OrderId { get; set; }

    public Order? Order { get; set; }

    /// <summary>
    /// Copied from the order so that the customer backlog query and every authorisation check
    /// filter one table through one index instead of joining orders first.
    /// </summary>
    public int CustomerId { get; set; }

    public int LineNumber { get; set; }

    public int ProductId { get; set; }

    public Product? Product { get; set; }

    public BacklogKind Kind { get; set; }

    public int QuantityOrdered { get; set; }

    public int QuantityShipped { get; set; }

    public int QuantityCancelled { get; set; }

    public int QuantityOpen => LineRules.OpenQuantity(QuantityOrdered, QuantityShipped, QuantityCancelled);

    [Precision(18, 2)]
    public decimal UnitPrice { get; set; }

    /// <summary>The date promised when the order was taken. Never changes.</summary>
    public DateOnly? PromisedDate { get; set; }

    /// <summary>The current expected date; null means "date not yet known".</summary>
    public DateOnly? Eta { get; set; }

    /// <summary>How many times the ETA moved since the order was taken.</summary>
    public int EtaChangeCount { get; set; }

    public LineStatus Status { get; set; } = LineStatus.Open;

    /// <summary>Whether the customer must expressly agree to the current delay (FTC rule) before it counts as accepted.</summary>
    public bool ConsentRequired { get; set; }

    public CustomerResponse CustomerResponse { get; set; } = CustomerResponse.None;

    public DateTimeOffset? CustomerRespondedAt { get; set; }

    [MaxLength(CustomerAnswer.MaxAnsweredByLength)]
    public string? CustomerRespondedBy { get; set; }

    /// <summary>
    /// Optimistic concurrency token. An application-managed counter rather than SQL Server's
    /// rowversion so that the same rule works on SQLite and in set-based bulk updates
    /// (<c>Version = Version + 1</c>).
    /// </summary>
    public long Version { get; set; }

    public List<EtaChange> EtaChanges { get; set; } = [];

    /// <summary>Days between the promised date and the current ETA; positive when late.</summary>
    public int? SlipDays => LineRules.SlipDays(PromisedDate, Eta);
}

public enum BacklogKind
{
    /// <summary>Out of stock; ships when stock returns.</summary>
    Backorder = 0,

    /// <summary>Not yet released; ships on or after the release date.</summary>
    PreOrder = 1,
}

public enum LineStatus
{
    Open = 0,
    PartiallyShipped = 1,
    Shipped = 2,
    Cancelled = 3,
}

public enum CustomerResponse
{
    None = 0,
    AcceptedNewDate = 1,
    CancelledOpenQuantity = 2,
}
