using System.Linq.Expressions;

namespace BacklogPortal.Orders;

/// <summary>
/// When a customer may answer a delay. Expressions, so that the page's buttons and the guarded
/// UPDATE are decided by the very same rule, evaluated by the database.
/// </summary>
public static class CustomerResponseRules
{
    /// <summary>Express consent is asked for (FTC rule: a further, long or indefinite delay) and not given yet.</summary>
    public static Expression<Func<OrderLine, bool>> CanAccept { get; } = LineRules.AwaitsDecision.And(LineRules.HasOpenQuantity);

    /// <summary>
    /// The line is delayed, so the customer may cancel what has not shipped (16 CFR 435.2: every delay
    /// notice offers cancellation, and consent to a delay does not take that right away). Delayed
    /// means: consent is needed, the date is unknown, it lies past the promise, it passed without
    /// shipment, or it was ever moved later (each of those sends an email with a cancel link).
    /// </summary>
    public static Expression<Func<OrderLine, bool>> CanCancel(DateOnly today) =>
        LineRules.IsOpen.And(LineRules.HasOpenQuantity).And(line =>
            line.ConsentRequired
                || line.Eta == null
                || line.Eta > line.PromisedDate
                || line.Eta < today
                || line.EtaChanges.Any(c => (c.NewEta == null && c.OldEta != null) || c.NewEta > c.OldEta));
}
