namespace BacklogPortal.Integration;

public sealed class IntegrationOptions
{
    public const string SectionName = "Integration";

    /// <summary>Largest request body the API reads; larger ones get 413. A 10,000-line order is about 2 MB.</summary>
    [Range(1_024, 256 * 1024 * 1024)]
    public int MaxRequestBodyBytes { get; set; } = 16 * 1024 * 1024;

    /// <summary>Requests each API key may make per second, sustained.</summary>
    [Range(1, 1_000_000)]
    public int RequestsPerSecond { get; set; } = 200;

    /// <summary>Requests a key may make at once above the sustained rate (token bucket size).</summary>
    [Range(1, 1_000_000)]
    public int Burst { get; set; } = 400;

    /// <summary>How long the first response to an <c>Idempotency-Key</c> is kept (at least a day).</summary>
    [Range(typeof(TimeSpan), "1.00:00:00", "365.00:00:00")]
    public TimeSpan IdempotencyRetention { get; set; } = TimeSpan.FromDays(1);

    /// <summary>Most lines one order upsert may carry.</summary>
    [Range(1, 100_000)]
    public int MaxLinesPerOrder { get; set; } = 20_000;
}
