using System.ComponentModel.DataAnnotations;

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

    public string ResolveDataDirectory(string contentRoot) => Path.GetFullPath(DataDirectory, contentRoot);
}
