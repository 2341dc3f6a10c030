using System.Linq.Expressions;
using BacklogPortal.Domain;

namespace BacklogPortal.Fulfilment;

/// <summary>Open or partly shipped: the line is still in the backlog.</summary>
internal static class OpenLines
{
    public static Expression<Func<OrderLine, bool>> IsOpen =>
        line => line.Status == LineStatus.Open || line.Status == LineStatus.PartiallyShipped;
}
