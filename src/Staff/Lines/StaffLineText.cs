namespace BacklogPortal.Staff.Lines;

/// <summary>
/// What a line's cells say, as plain text and a tone for CSS: the grid's rows stay plain elements
/// instead of a component per cell (every component in a row lives in the circuit while the tab is open).
/// </summary>
public static class StaffLineText
{
    public static string Moved(StaffLine line)
    {
        var slip = line.State.SlipDays switch
        {
            > 0 and var late => $"+{late} days · ",
            < 0 and var early => $"{-early} days early · ",
            _ => "",
        };
        var moved = line.State.EtaChangeCount switch { 0 => "never moved", 1 => "moved once", var n => $"moved {n}×" };
        return slip + moved;
    }

    public static (string Text, string Tone) Status(StaffLine line, DateOnly today) => line.State.Status switch
    {
        LineStatus.Shipped => (line.State.QuantityCancelled > 0 ? "Shipped, rest cancelled" : "Shipped", "done"),
        LineStatus.Cancelled => ("Cancelled", "done"),
        _ when line.State.AwaitsDecision => ("Awaiting decision", "warning"),
        _ when line.State.IsOverdueOn(today) => ("Overdue", "error"),
        LineStatus.PartiallyShipped => ("Partly shipped", "info"),
        _ when line.State.Eta is null => ("No date", "neutral"),
        _ => ("Open", "ok"),
    };

    public static string? Answer(StaffLine line) => line.State.CustomerResponse switch
    {
        CustomerResponse.AcceptedNewDate => "Accepted by customer",
        CustomerResponse.CancelledOpenQuantity => "Cancelled by customer",
        _ => null,
    };
}
