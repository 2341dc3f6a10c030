using System.Linq.Expressions;

namespace BacklogPortal.Domain;

/// <summary>
/// What an order line is, decided once for every feature: open, awaiting the customer's decision,
/// overdue, open quantity, slip. Each rule that queries filter on is an expression, so EF Core
/// translates it to SQL; where views need the same answer on rows already read, a plain method
/// beside it says the same thing (tests hold the two together).
/// </summary>
public static class LineRules
{
    /// <summary>The statuses of a line that still has something to ship.</summary>
    public static readonly IReadOnlyList<LineStatus> OpenStatuses = [LineStatus.Open, LineStatus.PartiallyShipped];

    /// <summary>The line is in the backlog: nothing or part of it shipped, not cancelled.</summary>
    public static Expression<Func<OrderLine, bool>> IsOpen { get; } =
        line => line.Status == LineStatus.Open || line.Status == LineStatus.PartiallyShipped;

    public static bool IsOpenStatus(LineStatus status) => status is LineStatus.Open or LineStatus.PartiallyShipped;

    /// <summary>
    /// An open line whose delay needs the customer's express consent (FTC rule) and who has not
    /// answered yet: staff's "awaiting consent", the customer's "decision needed".
    /// </summary>
    public static Expression<Func<OrderLine, bool>> AwaitsDecision { get; } =
        line => (line.Status == LineStatus.Open || line.Status == LineStatus.PartiallyShipped)
            && line.ConsentRequired
            && line.CustomerResponse == CustomerResponse.None;

    public static bool AwaitsDecisionFor(LineStatus status, bool consentRequired, CustomerResponse response) =>
        IsOpenStatus(status) && consentRequired && response == CustomerResponse.None;

    /// <summary>The expected date has passed (before <paramref name="today"/>); an unknown date is never overdue.</summary>
    public static Expression<Func<OrderLine, bool>> IsOverdueOn(DateOnly today) =>
        line => line.Eta != null && line.Eta < today;

    public static bool IsOverdue(DateOnly? eta, DateOnly today) => eta is { } e && e < today;

    /// <summary>Units still to ship: ordered, less shipped, less cancelled.</summary>
    public static Expression<Func<OrderLine, int>> OpenQuantityOf { get; } =
        line => line.QuantityOrdered - line.QuantityShipped - line.QuantityCancelled;

    /// <summary>Something is left to ship.</summary>
    public static Expression<Func<OrderLine, bool>> HasOpenQuantity { get; } =
        line => line.QuantityOrdered - line.QuantityShipped - line.QuantityCancelled > 0;

    public static int OpenQuantity(int ordered, int shipped, int cancelled) => ordered - shipped - cancelled;

    /// <summary>Days the ETA lies after the promised date (negative: earlier); null when either is unknown.</summary>
    public static int? SlipDays(DateOnly? promised, DateOnly? eta) =>
        promised is { } p && eta is { } e ? e.DayNumber - p.DayNumber : null;
}
