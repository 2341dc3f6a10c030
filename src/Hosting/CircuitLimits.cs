using System.Collections.Concurrent;
using System.ComponentModel.DataAnnotations;
using System.Security.Claims;

namespace BacklogPortal.Hosting;

public sealed class CircuitLimitOptions
{
    public const string SectionName = "Portal:Circuits";

    /// <summary>Open interactive connections (browser tabs) one signed-in user may hold on this instance.</summary>
    [Range(1, 10_000)]
    public int PerUser { get; set; } = 20;

    /// <summary>Open interactive connections from one client address (an office behind one NAT counts once).</summary>
    [Range(1, 100_000)]
    public int PerClientAddress { get; set; } = 50;

    /// <summary>Open interactive connections on this instance in all.</summary>
    [Range(1, 1_000_000)]
    public int PerInstance { get; set; } = 5_000;
}

/// <summary>
/// Counts the portal's interactive connections (one WebSocket per browser tab, for as long as the tab
/// keeps its circuit) per user, per client address and in all, and refuses one more past a limit before
/// a circuit is built. Anonymous visitors get no circuit at all: every interactive page needs a sign-in.
/// </summary>
public sealed class CircuitGate(Microsoft.Extensions.Options.IOptions<CircuitLimitOptions> options)
{
    private readonly ConcurrentDictionary<string, int> open = new(StringComparer.Ordinal);
    private int total;

    public int OpenCount => Volatile.Read(ref total);

    /// <summary>A lease to dispose when the connection ends, or the reason it is refused.</summary>
    public (IDisposable? Lease, string? Refusal) TryEnter(string user, string clientAddress)
    {
        var limits = options.Value;
        var userKey = "user:" + user;
        var addressKey = "address:" + clientAddress;
        if (Interlocked.Increment(ref total) > limits.PerInstance)
        {
            Interlocked.Decrement(ref total);
            return (null, "The portal is very busy right now. Please try again in a few minutes.");
        }
        if (Increment(userKey) > limits.PerUser)
        {
            Decrement(userKey);
            Interlocked.Decrement(ref total);
            return (null, $"You have more than {limits.PerUser} portal tabs open. Close some of them, then reload this page.");
        }
        if (Increment(addressKey) > limits.PerClientAddress)
        {
            Decrement(addressKey);
            Decrement(userKey);
            Interlocked.Decrement(ref total);
            return (null, "Too many portal tabs are open from your network. Close some of them, then reload this page.");
        }
        return (new Lease(this, userKey, addressKey), null);
    }

    private int Increment(string key) => open.AddOrUpdate(key, 1, (_, count) => count + 1);

    private void Decrement(string key)
    {
        if (open.AddOrUpdate(key, 0, (_, count) => count - 1) <= 0)
        {
            // Keeps the table small; a racing Increment re-adds the key.
            open.TryRemove(new KeyValuePair<string, int>(key, 0));
        }
    }

    private sealed class Lease(CircuitGate gate, string userKey, string addressKey) : IDisposable
    {
        private int disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref disposed, 1) == 0)
            {
                gate.Decrement(userKey);
                gate.Decrement(addressKey);
                Interlocked.Decrement(ref gate.total);
            }
        }
    }
}

public static class CircuitLimitsExtensions
{
    /// <summary>The path of Blazor's hub; the WebSocket request to it lasts as long as the circuit's connection.</summary>
    private const string BlazorHubPath = "/_blazor";

    public static IHostApplicationBuilder AddCircuitLimits(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<CircuitLimitOptions>()
            .BindConfiguration(CircuitLimitOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton<CircuitGate>();
        return builder;
    }

    /// <summary>
    /// Admits a connection to Blazor's hub only for a signed-in user within the limits. Runs after
    /// authentication, so the user is known. The negotiate call passes through (it holds nothing);
    /// the connection itself (a WebSocket, the only transport the portal accepts) is counted while open.
    /// </summary>
    public static IApplicationBuilder UseCircuitLimits(this IApplicationBuilder app) =>
        app.UseWhen(context => context.Request.Path.StartsWithSegments(BlazorHubPath)
                && !context.Request.Path.StartsWithSegments(BlazorHubPath + "/negotiate"),
            branch => branch.Use(async (context, next) =>
            {
                if (context.User.Identity?.IsAuthenticated != true)
                {
                    context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                    await context.Response.WriteAsync("Sign in to use the portal.");
                    return;
                }
                if (!context.WebSockets.IsWebSocketRequest)
                {
                    // Long polling and server-sent events would make one circuit many short requests that
                    // cannot be counted; the portal needs WebSockets (also through a proxy).
                    context.Response.StatusCode = StatusCodes.Status400BadRequest;
                    await context.Response.WriteAsync("The portal needs WebSockets.");
                    return;
                }
                var user = context.User.FindFirstValue(ClaimTypes.NameIdentifier) ?? context.User.Identity.Name ?? "?";
                var address = context.Connection.RemoteIpAddress?.ToString() ?? "unknown";
                var (lease, refusal) = context.RequestServices.GetRequiredService<CircuitGate>().TryEnter(user, address);
                if (lease is null)
                {
                    context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
                    context.Response.ContentType = "text/plain; charset=utf-8";
                    await context.Response.WriteAsync(refusal!);
                    return;
                }
                using (lease)
                {
                    await next(context);
                }
            }));
}
