namespace BacklogPortal.Data;

/// <summary>Limits that both database providers impose on one statement.</summary>
public static class DatabaseLimits
{
    /// <summary>
    /// Ids sent in one statement (EF Core sends a list as one parameter per id). SQL Server takes at
    /// most 2,100 parameters per statement; longer lists are sent in chunks of this size.
    /// </summary>
    public const int MaxIdsPerStatement = 1_000;
}
