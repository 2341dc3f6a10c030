namespace BacklogPortal.Domain;

/// <summary>
/// The figures every view of an order line derives the same way (entity, customer and staff read
/// models), so a rule such as "overdue" has one definition.
/// </summary>
public static class LineFigures
{
    public static int OpenQuantity(int ordered, int shipped, int cancelled) => ordered - shipped - cancelled;

    /// <summary>Days the ETA lies after the promised date (negative: earlier); null when either is unknown.</summary>
    public static int? SlipDays(DateOnly? promised, DateOnly? eta) =>
        promised is { } p && eta is { } e ? e.DayNumber - p.DayNumber : null;

    /// <summary>The expected date has passed; an unknown date is never overdue.</summary>
    public static bool IsOverdue(DateOnly? eta, DateOnly today) => eta is { } e && e < today;
}
