using System.Linq.Expressions;

namespace BacklogPortal.Domain;

/// <summary>Combines rule expressions into one that EF Core still translates (no <c>Invoke</c> inside).</summary>
public static class ExpressionComposition
{
    public static Expression<Func<T, bool>> And<T>(this Expression<Func<T, bool>> left, Expression<Func<T, bool>> right) =>
        Expression.Lambda<Func<T, bool>>(
            Expression.AndAlso(left.Body, right.Body.Replace(right.Parameters[0], left.Parameters[0])),
            left.Parameters[0]);

    /// <summary>
    /// A projection <paramref name="whole"/> that takes a <typeparamref name="TPart"/> made by <paramref name="part"/>, as one
    /// expression of the source alone: the part's body stands where the parameter was, so the query reads its columns directly.
    /// </summary>
    public static Expression<Func<T, TResult>> With<T, TPart, TResult>(this Expression<Func<T, TPart>> part, Expression<Func<T, TPart, TResult>> whole)
    {
        var source = whole.Parameters[0];
        var partBody = part.Body.Replace(part.Parameters[0], source);
        return Expression.Lambda<Func<T, TResult>>(whole.Body.Replace(whole.Parameters[1], partBody), source);
    }

    internal static Expression Replace(this Expression body, ParameterExpression from, Expression to) =>
        new ParameterReplacer(from, to).Visit(body);

    private sealed class ParameterReplacer(ParameterExpression from, Expression to) : ExpressionVisitor
    {
        protected override Expression VisitParameter(ParameterExpression node) => node == from ? to : node;
    }
}
