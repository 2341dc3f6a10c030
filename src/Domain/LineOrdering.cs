using System.Linq.Expressions;

namespace BacklogPortal.Domain;

/// <summary>
/// The sort orders of line lists (the customer's backlog, the staff lines). Every order ends with a
/// unique tie-breaker, so paging is deterministic when many lines share a value.
/// </summary>
public static class LineOrdering
{
    public static IOrderedQueryable<OrderLine> By<TKey>(this IQueryable<OrderLine> lines, Expression<Func<OrderLine, TKey>> key, bool descending) =>
        (descending ? lines.OrderByDescending(key) : lines.OrderBy(key)).ThenBy(l => l.Id);

    /// <summary>By order number, the lines of one order in their order.</summary>
    public static IOrderedQueryable<OrderLine> ByOrderNumber(this IQueryable<OrderLine> lines, bool descending) =>
        (descending ? lines.OrderByDescending(l => l.Order!.OrderNumber) : lines.OrderBy(l => l.Order!.OrderNumber)).ThenBy(l => l.LineNumber);

    /// <summary>By ETA; unknown ETAs last either way: there is no date to compare, and they are the least actionable.</summary>
    public static IOrderedQueryable<OrderLine> ByEta(this IQueryable<OrderLine> lines, bool descending)
    {
        var unknownLast = lines.OrderBy(l => l.Eta == null);
        return (descending ? unknownLast.ThenByDescending(l => l.Eta) : unknownLast.ThenBy(l => l.Eta)).ThenBy(l => l.Id);
    }
}
