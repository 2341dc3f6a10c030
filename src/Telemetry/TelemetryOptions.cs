namespace BacklogPortal.Telemetry;

/// <summary>
/// Where traces and metrics go (section <c>Telemetry</c>). All off by default except in Development, where the
/// Prometheus endpoint is on: the portal runs the same either way, only the exporters differ.
/// </summary>
public sealed class TelemetryOptions
{
    public const string SectionName = "Telemetry";

    /// <summary>
    /// OTLP collector, e.g. <c>http://otel-collector:4317</c> (gRPC) — traces and metrics are pushed there.
    /// The standard <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> environment variable works as well.
    /// </summary>
    [Url]
    public string? OtlpEndpoint { get; set; }

    /// <summary>Serve the metrics at <c>/metrics</c> in Prometheus' text format, for a scraper on the internal network.</summary>
    public bool PrometheusEndpoint { get; set; }

    /// <summary>Write traces and metrics to the console: for a developer watching one run.</summary>
    public bool Console { get; set; }

    /// <summary>How often the outbox gauges are refreshed from the database.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan OutboxSampleInterval { get; set; } = TimeSpan.FromSeconds(15);
}
