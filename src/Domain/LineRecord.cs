namespace BacklogPortal.Domain;

/// <summary>
/// What every record about one order line starts with: an ETA change, a customer's answer, a shipment, a
/// cancellation. Each kind has a table of its own, is written in the transaction of what it records and is never
/// updated. Not an entity of its own.
/// </summary>
public abstract class LineRecord
{
    public long Id { get; set; }

    public int OrderLineId { get; set; }

    public OrderLine? OrderLine { get; set; }

    /// <summary>Copied from the line so that a customer's records (history, timeline) are read without joins.</summary>
    public int CustomerId { get; set; }
}
