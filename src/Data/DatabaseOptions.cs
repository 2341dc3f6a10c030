namespace BacklogPortal.Data;

public sealed class DatabaseOptions
{
    public const string SectionName = "Database";

    /// <summary><c>Sqlite</c> (embedded default) or <c>SqlServer</c>.</summary>
    [Required]
    public DatabaseProvider Provider { get; set; } = DatabaseProvider.Sqlite;

    /// <summary>Apply pending migrations at start. On by default for SQLite; SQL Server deployments run the idempotent script.</summary>
    public bool? MigrateOnStart { get; set; }
}

public enum DatabaseProvider
{
    Sqlite,
    SqlServer,
}
