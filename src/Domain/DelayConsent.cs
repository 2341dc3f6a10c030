using System.Linq.Expressions;

namespace BacklogPortal.Domain;

/// <summary>
/// The FTC Mail, Internet or Telephone Order Rule (16 CFR 435.2) as it applies to a line whose ETA
/// moves: silence counts as consent only for a first delay to a definite date at most
/// <see cref="SilentConsentDays"/> past the promised date; a further delay, a longer one or an
/// unknown date needs the customer's express consent. Expressions, so that the write path's
/// set-based UPDATE, the demo seeder and the tests evaluate the very same rule.
/// </summary>
public static class DelayConsent
{
    /// <summary>A first delay of at most this many days past the promised date counts as accepted unless the customer cancels.</summary>
    public const int SilentConsentDays = 30;

    /// <summary>
    /// Whether the customer must expressly agree once the line's ETA becomes <paramref name="newEta"/>.
    /// Evaluated on the line as it is before the change.
    /// </summary>
    public static Expression<Func<OrderLine, bool>> RequiredAfter(DateOnly? newEta)
    {
        if (newEta is not { } eta)
        {
            // No definite date: an indefinite delay always needs express consent.
            return line => true;
        }
        // The two dates become members of a constant, which EF Core sends as parameters (one statement shape for every date).
        var dates = Expression.Constant(new RuleDates(eta, eta.AddDays(-SilentConsentDays)));
        var line = RequiredAfterDates.Parameters[0];
        var body = RequiredAfterDates.Body
            .Replace(RequiredAfterDates.Parameters[1], Expression.Property(dates, nameof(RuleDates.Eta)))
            .Replace(RequiredAfterDates.Parameters[2], Expression.Property(dates, nameof(RuleDates.SilentConsentLimit)));
        return Expression.Lambda<Func<OrderLine, bool>>(body, line);
    }

    /// <summary>
    /// <see cref="RequiredAfter"/> on a line already read (SQLite's grouped single-line changes): the same expression,
    /// compiled once.
    /// </summary>
    public static bool IsRequiredAfter(OrderLine line, DateOnly? newEta) =>
        newEta is not { } eta || RequiredAfterCompiled(line, eta, eta.AddDays(-SilentConsentDays));

    // "Already delayed" is read from the line itself (its ETA before this change lies past the
    // promise), so the rule needs no look into the history and stays one UPDATE.
    private static readonly Expression<Func<OrderLine, DateOnly, DateOnly, bool>> RequiredAfterDates =
        (line, eta, silentConsentLimit) => line.Eta != null && line.Eta < eta
            ? line.PromisedDate == null
              || (line.PromisedDate < eta && (line.Eta > line.PromisedDate || line.PromisedDate < silentConsentLimit))
            : (line.PromisedDate != null && line.PromisedDate >= eta) ? false : line.ConsentRequired;

    private static readonly Func<OrderLine, DateOnly, DateOnly, bool> RequiredAfterCompiled = RequiredAfterDates.Compile();

    private sealed record RuleDates(DateOnly Eta, DateOnly SilentConsentLimit);

    /// <summary>A later date (or an unknown one) asks the customer again; an earlier one keeps their answer.</summary>
    public static Expression<Func<OrderLine, bool>> MovesLater(DateOnly? newEta) => newEta is { } eta
        ? line => line.Eta != null && line.Eta < eta
        : line => line.Eta != null;

    /// <summary><see cref="MovesLater"/> on a line already read.</summary>
    public static bool IsLater(DateOnly? currentEta, DateOnly? newEta) => newEta is { } eta ? currentEta is { } current && current < eta : currentEta is not null;

    /// <summary>The line gets a date earlier than its current one, or a date where it had none: good news that keeps the customer's answer.</summary>
    public static Expression<Func<OrderLine, bool>> MovesEarlier(DateOnly? newEta) => newEta is { } eta
        ? line => line.Eta == null || line.Eta > eta
        : line => false;
}
