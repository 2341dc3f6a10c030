using System.Linq.Expressions;

namespace BacklogPortal.Domain;

/// <summary>
/// The portal's one text search: "the column contains the typed text, ignoring case", as SQL
/// <c>LIKE '%text%' ESCAPE '\'</c> on both providers (docs/decisions/006-text-search.md). LIKE is
/// case-insensitive on SQLite (for ASCII letters, which SKUs, order and customer numbers use) and
/// under SQL Server's default case-insensitive collation, where <c>string.Contains</c> is
/// case-sensitive on SQLite (<c>instr</c>). The column is compared as stored, never wrapped in
/// <c>upper()</c>, so the query keeps every index the other filters use.
/// </summary>
public static class TextSearch
{
    public const string EscapeCharacter = "\\";

    /// <summary>The LIKE pattern for "contains <paramref name="text"/>", with LIKE's wildcards in the text escaped.</summary>
    public static string ContainsPattern(string text) => $"%{Escape(text.Trim())}%";

    /// <summary>
    /// Rows where any of <paramref name="columns"/> contains <paramref name="text"/>, ignoring case.
    /// The pattern is sent as a query parameter.
    /// </summary>
    public static Expression<Func<T, bool>> AnyContains<T>(string text, params Expression<Func<T, string>>[] columns)
    {
        ArgumentOutOfRangeException.ThrowIfZero(columns.Length);
        var pattern = new Pattern(ContainsPattern(text));
        var row = Expression.Parameter(typeof(T), "row");
        var patternValue = Expression.Property(Expression.Constant(pattern), nameof(Pattern.SearchPattern));
        Expression? any = null;
        foreach (var column in columns)
        {
            var value = column.Body.Replace(column.Parameters[0], row);
            Expression like = Expression.Call(LikeMethod, FunctionsProperty, value, patternValue, Expression.Constant(EscapeCharacter));
            any = any is null ? like : Expression.OrElse(any, like);
        }
        return Expression.Lambda<Func<T, bool>>(any!, row);
    }

    private static string Escape(string text) =>
        text.Replace(EscapeCharacter, EscapeCharacter + EscapeCharacter)
            .Replace("%", EscapeCharacter + "%")
            .Replace("_", EscapeCharacter + "_")
            .Replace("[", EscapeCharacter + "[");

    private static readonly MemberExpression FunctionsProperty = Expression.Property(null, typeof(EF), nameof(EF.Functions));

    private static readonly System.Reflection.MethodInfo LikeMethod = typeof(DbFunctionsExtensions).GetMethod(
        nameof(DbFunctionsExtensions.Like), [typeof(DbFunctions), typeof(string), typeof(string), typeof(string)])!;

    // A captured value, so that EF Core sends the pattern as a parameter instead of a literal.
    private sealed record Pattern(string SearchPattern);
}
