namespace BacklogPortal.Domain;

/// <summary>
/// The names enum values go by in the portal's addresses (<c>?kind=preOrder</c>): each map is written
/// once, and read back the same forgiving way everywhere — ignoring case, a name that matches nothing
/// gives null rather than an error, because addresses are typed, bookmarked and edited by people.
/// </summary>
public static class QueryNames
{
    /// <summary><c>kind=backorder</c> | <c>kind=preOrder</c>, the same on <c>/backlog</c> and <c>/staff/lines</c>.</summary>
    public static readonly IReadOnlyDictionary<BacklogKind, string> Kind = new Dictionary<BacklogKind, string>
    {
        [BacklogKind.Backorder] = "backorder",
        [BacklogKind.PreOrder] = "preOrder",
    };

    /// <summary>The value that <paramref name="name"/> names, ignoring case; null for none (or no name).</summary>
    public static T? Parse<T>(this IReadOnlyDictionary<T, string> names, string? name) where T : struct, Enum
    {
        foreach (var (value, candidate) in names)
        {
            if (string.Equals(candidate, name, StringComparison.OrdinalIgnoreCase))
            {
                return value;
            }
        }
        return null;
    }
}
