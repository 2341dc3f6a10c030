using System.Linq.Expressions;

namespace BacklogPortal.Domain;

/// <summary>
/// Where an order line stands, as every page reads it: the customer's backlog, the order page and the
/// staff grid each show their own columns around this one record, read by the one projection
/// <see cref="Of"/> and judged by the rules of <see cref="LineRules"/>.
/// </summary>
public sealed record LineState(
    BacklogKind Kind,
    int QuantityOrdered,
    int QuantityShipped,
    int QuantityCancelled,
    DateOnly? PromisedDate,
    DateOnly? Eta,
    int EtaChangeCount,
    LineStatus Status,
    bool ConsentRequired,
    CustomerResponse CustomerResponse)
{
    /// <summary>
    /// The line's state as one expression, composed into each read model's query with
    /// <see cref="ExpressionComposition.With{T, TPart, TResult}"/> so that both providers read only these columns.
    /// </summary>
    public static Expression<Func<OrderLine, LineState>> Of { get; } = l => new LineState(
        l.Kind,
        l.QuantityOrdered,
        l.QuantityShipped,
        l.QuantityCancelled,
        l.PromisedDate,
        l.Eta,
        l.EtaChangeCount,
        l.Status,
        l.ConsentRequired,
        l.CustomerResponse);

    public int QuantityOpen => LineRules.OpenQuantity(QuantityOrdered, QuantityShipped, QuantityCancelled);

    public bool IsOpen => LineRules.IsOpenStatus(Status);

    /// <summary>Days the current ETA lies after the promised date (negative: earlier).</summary>
    public int? SlipDays => LineRules.SlipDays(PromisedDate, Eta);

    /// <summary>An open line whose expected date has passed; a shipped or cancelled one is never overdue.</summary>
    public bool IsOverdueOn(DateOnly today) => IsOpen && LineRules.IsOverdue(Eta, today);

    /// <summary>The customer's express consent is asked for and not given yet (<see cref="LineRules.AwaitsDecision"/>).</summary>
    public bool AwaitsDecision => LineRules.AwaitsDecisionFor(Status, ConsentRequired, CustomerResponse);

    /// <summary>What the customer's status column says, most urgent first.</summary>
    public CustomerLineStatus StatusOn(DateOnly today) =>
        AwaitsDecision ? CustomerLineStatus.DecisionNeeded
        : IsOverdueOn(today) ? CustomerLineStatus.Overdue
        : Status == LineStatus.PartiallyShipped ? CustomerLineStatus.PartlyShipped
        : Eta is null ? CustomerLineStatus.WaitingForDate
        : CustomerLineStatus.Scheduled;

    /// <summary>
    /// <see cref="StatusOn"/> of an open line as one CASE expression the database sorts by (the customer's
    /// backlog holds open lines only, so the open test is left out).
    /// </summary>
    public static Expression<Func<OrderLine, int>> StatusRankOn(DateOnly today) =>
        l => l.ConsentRequired && l.CustomerResponse == CustomerResponse.None ? (int)CustomerLineStatus.DecisionNeeded
            : l.Eta != null && l.Eta < today ? (int)CustomerLineStatus.Overdue
            : l.Status == LineStatus.PartiallyShipped ? (int)CustomerLineStatus.PartlyShipped
            : l.Eta == null ? (int)CustomerLineStatus.WaitingForDate
            : (int)CustomerLineStatus.Scheduled;
}

/// <summary>What the customer's status column says about an open line, in the order it sorts.</summary>
public enum CustomerLineStatus
{
    DecisionNeeded = 0,
    Overdue = 1,
    PartlyShipped = 2,
    WaitingForDate = 3,
    Scheduled = 4,
}
