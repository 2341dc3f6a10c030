using Microsoft.AspNetCore.Diagnostics.HealthChecks;

namespace BacklogPortal.Hosting;

/// <summary>Tags a feature gives its health checks, so each endpoint runs the checks that answer its question.</summary>
public static class HealthTags
{
    /// <summary>The database answers (<c>/health</c>).</summary>
    public const string Database = "database";

    /// <summary>This instance can do its work: database, SMTP when configured, emails going out (<c>/health/ready</c>).</summary>
    public const string Ready = "ready";
}

public static class HealthEndpoints
{
    /// <summary>
    /// <c>/health</c>: 200 when the database answers (the contract since the first release).
    /// <c>/health/live</c>: 200 while the process serves requests, no dependency checked (a restart cannot fix a
    /// database outage). <c>/health/ready</c>: every check tagged <see cref="HealthTags.Ready"/>, for a load balancer.
    /// </summary>
    public static WebApplication MapHealthEndpoints(this WebApplication app)
    {
        app.MapHealthChecks("/health", Options(check => check.Tags.Contains(HealthTags.Database)));
        app.MapHealthChecks("/health/live", Options(_ => false));
        app.MapHealthChecks("/health/ready", Options(check => check.Tags.Contains(HealthTags.Ready)));
        return app;
    }

    private static HealthCheckOptions Options(Func<Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckRegistration, bool> predicate) => new()
    {
        Predicate = predicate,
        AllowCachingResponses = false,
    };
}
