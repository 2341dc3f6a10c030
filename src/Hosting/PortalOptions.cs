namespace BacklogPortal.Hosting;

public sealed class PortalOptions
{
    public const string SectionName = "Portal";

    /// <summary>The address customers use to reach the portal; links in emails start with it.</summary>
    [Required, Url]
    public string PublicBaseUrl { get; set; } = "http://localhost:5000";

    /// <summary>Where the portal keeps its files (SQLite database, email pickup folder). Relative to the content root.</summary>
    [Required]
    public string DataDirectory { get; set; } = "data";

    /// <summary>
    /// A customer's tab without input for this long releases its circuit on the server (.NET's circuit pause: the
    /// page's state goes to the browser) and resumes it, on the same view, at the next input. Zero keeps circuits
    /// for as long as the tab is open.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan CircuitIdleTimeout { get; set; } = TimeSpan.FromMinutes(5);

    public string ResolveDataDirectory(string contentRoot) => Path.GetFullPath(DataDirectory, contentRoot);
}
