using System.Linq.Expressions;

namespace BacklogPortal.Domain;

/// <summary>Combines rule expressions into one that EF Core still translates (no <c>Invoke</c> inside).</summary>
public static class ExpressionComposition
{
    public static Expression<Func<T, bool>> And<T>(this Expression<Func<T, bool>> left, Expression<Func<T, bool>> right) =>
        Expression.Lambda<Func<T, bool>>(
            Expression.AndAlso(left.Body, right.Body.Replace(right.Parameters[0], left.Parameters[0])),
            left.Parameters[0]);

    internal static Expression Replace(this Expression body, ParameterExpression from, ParameterExpression to) =>
        new ParameterReplacer(from, to).Visit(body);

    private sealed class ParameterReplacer(ParameterExpression from, ParameterExpression to) : ExpressionVisitor
    {
        protected override Expression VisitParameter(ParameterExpression node) => node == from ? to : node;
    }
}
