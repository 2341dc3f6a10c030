using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;

namespace BacklogPortal.Integration;

/// <summary>A token bucket per API key (<c>Integration:RequestsPerSecond</c>, <c>Integration:Burst</c>); 429 with Retry-After beyond it.</summary>
internal sealed class ApiRateLimitPolicy(IOptions<IntegrationOptions> options) : IRateLimiterPolicy<string>
{
    public const string Name = "erp-api";

    public Func<OnRejectedContext, CancellationToken, ValueTask>? OnRejected => async (context, cancellationToken) =>
    {
        var wait = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : TimeSpan.FromSeconds(1);
        var seconds = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));
        context.HttpContext.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        await TypedResults.Problem(
            $"This API key sent more than {options.Value.RequestsPerSecond:N0} requests a second; retry after {seconds} s.",
            statusCode: StatusCodes.Status429TooManyRequests,
            title: "Too many requests.").ExecuteAsync(context.HttpContext);
    };

    public RateLimitPartition<string> GetPartition(HttpContext httpContext)
    {
        // Authorization has run: every request here carries a valid key, whose client is the partition.
        var client = httpContext.User.Identity?.Name ?? "";
        var settings = options.Value;
        return RateLimitPartition.GetTokenBucketLimiter(client, _ => new TokenBucketRateLimiterOptions
        {
            TokenLimit = settings.Burst,
            TokensPerPeriod = settings.RequestsPerSecond,
            ReplenishmentPeriod = TimeSpan.FromSeconds(1),
            QueueLimit = 0,
            AutoReplenishment = true,
        });
    }
}
