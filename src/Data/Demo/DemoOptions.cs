namespace BacklogPortal.Data.Demo;

/// <summary>The demo data of the SPEC contract (users, customers, lines, an API key); never on unless configured.</summary>
public sealed class DemoOptions
{
    public const string SectionName = "Demo";

    /// <summary>Seed the demo data at start (on in Development, off in appsettings.json).</summary>
    public bool Seed { get; set; }
}
