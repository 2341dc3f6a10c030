namespace BacklogPortal.Import;

/// <summary>Limits of the ETA import (<c>/staff/import</c>).</summary>
public sealed class ImportOptions
{
    public const string SectionName = "Import";

    /// <summary>Largest file accepted, in bytes (default 10 MB).</summary>
    [Range(1, 1_073_741_824)]
    public long MaxFileBytes { get; set; } = 10 * 1024 * 1024;

    /// <summary>Most data rows accepted in one file (the header not counted).</summary>
    [Range(1, 10_000_000)]
    public int MaxRows { get; set; } = 100_000;

    /// <summary>Most problems listed in a report; a file with more is still rejected as a whole.</summary>
    [Range(1, 1_000_000)]
    public int MaxReportedProblems { get; set; } = 10_000;
}
