using BacklogPortal.Hosting;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace BacklogPortal.Telemetry;

/// <summary>
/// OpenTelemetry the .NET way: ASP.NET Core, EF Core and HttpClient instrumentation plus the portal's own meter and
/// activity source (<see cref="PortalMetrics"/>), exported to OTLP, a Prometheus scrape endpoint or the console as
/// configured (<see cref="TelemetryOptions"/>). With no exporter configured the instruments still count — cheaply —
/// and tests read them through a <see cref="System.Diagnostics.Metrics.MeterListener"/>.
/// </summary>
public static class TelemetryExtensions
{
    public static IHostApplicationBuilder AddTelemetry(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<OutboxGauges>();
        builder.Services.AddHostedService(services => services.GetRequiredService<OutboxGauges>());
        builder.Services.AddSingleton<PortalGauges>();
        builder.Services.AddValidatedOptions<TelemetryOptions>(TelemetryOptions.SectionName);

        // Read here, at registration: push exporters are part of the service graph, so OTLP and the console are chosen
        // by the settings the host starts with (appsettings, environment), not by configuration added later.
        var settings = builder.Configuration.GetSection(TelemetryOptions.SectionName).Get<TelemetryOptions>() ?? new TelemetryOptions();
        var otlp = !string.IsNullOrWhiteSpace(settings.OtlpEndpoint)
            || !string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("BacklogPortal", serviceInstanceId: Environment.MachineName + ":" + Environment.ProcessId));
        // Traces only when they go somewhere: a tracer provider samples every span it listens to, so without an
        // exporter the portal's own spans (EtaChange, ComposeEmail, SendEmail per email) would be built for nothing.
        // Without one, ActivitySource.HasListeners() stays false and that work is skipped (decision 014).
        if (otlp || settings.Console)
        {
            telemetry.WithTracing(tracing =>
            {
                tracing.AddSource(PortalMetrics.MeterName)
                    .AddAspNetCoreInstrumentation(aspNetCore =>
                        // Static files and health probes would drown the traces people look for.
                        aspNetCore.Filter = context => !context.Request.Path.StartsWithSegments("/_framework")
                            && !context.Request.Path.StartsWithSegments("/_content")
                            && !context.Request.Path.StartsWithSegments("/health"))
                    .AddHttpClientInstrumentation()
                    .AddEntityFrameworkCoreInstrumentation();
                if (otlp)
                {
                    tracing.AddOtlpExporter(exporter => Endpoint(exporter, settings));
                }
                if (settings.Console)
                {
                    tracing.AddConsoleExporter();
                }
            });
        }
        telemetry.WithMetrics(metrics =>
        {
            metrics.AddMeter(PortalMetrics.MeterName)
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation();
            if (otlp)
            {
                metrics.AddOtlpExporter(exporter => Endpoint(exporter, settings));
            }
            // A pull exporter costs nothing until scraped; whether /metrics is served is decided when the endpoints are
            // mapped (MapTelemetryEndpoints), from the options as the running portal sees them.
            metrics.AddPrometheusExporter();
            if (settings.Console)
            {
                metrics.AddConsoleExporter();
            }
        });
        return builder;
    }

    /// <summary>Maps <c>/metrics</c> when <see cref="TelemetryOptions.PrometheusEndpoint"/> is on.</summary>
    public static WebApplication MapTelemetryEndpoints(this WebApplication app)
    {
        // Created with the host's meter factory, so a test host's gauges end with it.
        app.Services.GetRequiredService<PortalGauges>();
        if (app.Services.GetRequiredService<IOptions<TelemetryOptions>>().Value.PrometheusEndpoint)
        {
            app.MapPrometheusScrapingEndpoint("/metrics");
        }
        return app;
    }

    private static void Endpoint(OpenTelemetry.Exporter.OtlpExporterOptions exporter, TelemetryOptions settings)
    {
        if (!string.IsNullOrWhiteSpace(settings.OtlpEndpoint))
        {
            exporter.Endpoint = new Uri(settings.OtlpEndpoint);
        }
    }
}
