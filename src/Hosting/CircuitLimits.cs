using System.Collections.Concurrent;
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

    /// <summary>Who a request counts against: the signed-in user's id and the client address.</summary>
    public static (string User, string Address) KeysOf(HttpContext context) =>
        (context.User.FindFirstValue(ClaimTypes.NameIdentifier) ?? context.User.Identity?.Name ?? "?",
         context.Connection.RemoteIpAddress?.ToString() ?? "unknown");

    /// <summary>
    /// Why one more connection for this user and address would be refused now, or null. The page checks
    /// this while it prerenders, so a refused tab shows the reason instead of starting a circuit.
    /// </summary>
    public string? RefusalFor(string user, string clientAddress)
    {
        var limits = options.Value;
        if (OpenCount >= limits.PerInstance)
        {
            return Busy;
        }
        if (open.TryGetValue("user:" + user, out var ofUser) && ofUser >= limits.PerUser)
        {
            return TooManyTabs(limits);
        }
        return open.TryGetValue("address:" + clientAddress, out var ofAddress) && ofAddress >= limits.PerClientAddress
            ? TooManyFromNetwork
            : null;
    }

    private const string Busy = "The portal is very busy right now. Please try again in a few minutes.";
    private const string TooManyFromNetwork = "Too many portal tabs are open from your network. Close some of them, then reload this page.";

    private static string TooManyTabs(CircuitLimitOptions limits) =>
        $"You have more than {limits.PerUser} portal tabs open. Close some of them, then reload this page.";

    /// <summary>A lease to dispose when the connection ends, or the reason it is refused.</summary>
    public (IDisposable? Lease, string? Refusal) TryEnter(string user, string clientAddress)
    {
        var limits = options.Value;
        var userKey = "user:" + user;
        var addressKey = "address:" + clientAddress;
        if (Interlocked.Increment(ref total) > limits.PerInstance)
        {
            Interlocked.Decrement(ref total);
            return (null, Busy);
        }
        if (Increment(userKey) > limits.PerUser)
        {
            Decrement(userKey);
            Interlocked.Decrement(ref total);
            return (null, TooManyTabs(limits));
        }
        if (Increment(addressKey) > limits.PerClientAddress)
        {
            Decrement(addressKey);
            Decrement(userKey);
            Interlocked.Decrement(ref total);
            return (null, TooManyFromNetwork);
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

    // Read from the request itself: WebSocketManager.IsWebSocketRequest is only true inside the hub's
    // own pipeline, after its WebSockets middleware, which runs after this one.
    private static bool IsWebSocketUpgrade(HttpContext context) =>
        context.WebSockets.IsWebSocketRequest
        || context.Request.Headers.Upgrade.Any(value => value?.Contains("websocket", StringComparison.OrdinalIgnoreCase) == true)
        || context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpExtendedConnectFeature>()?.IsExtendedConnect == true;

    public static IHostApplicationBuilder AddCircuitLimits(this IHostApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<CircuitLimitOptions>(CircuitLimitOptions.SectionName);
        builder.Services.AddSingleton<CircuitGate>();
        // Paused circuits hold no connection, so the gate does not count them; the pauses are counted for the gauge.
        builder.Services.AddSingleton<CircuitPauses>();
        builder.Services.AddScoped<Microsoft.AspNetCore.Components.Server.Circuits.CircuitHandler, CircuitPauseTracker>();
        return builder;
    }

    /// <summary>
    /// Admits a connection to Blazor's hub only for a signed-in user within the limits. Runs after
    /// authentication, so the user is known. Only the connection itself (<c>/_blazor?id=…</c>: a WebSocket,
    /// the only transport the portal accepts) is counted while open; negotiate, initializers and
    /// disconnect (<c>/_blazor/…</c>) hold nothing and pass.
    /// </summary>
    public static IApplicationBuilder UseCircuitLimits(this IApplicationBuilder app) =>
        app.UseWhen(context => context.Request.Path.Equals(BlazorHubPath, StringComparison.OrdinalIgnoreCase),
            branch => branch.Use(async (context, next) =>
            {
                if (context.User.Identity?.IsAuthenticated != true)
                {
                    context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                    await context.Response.WriteAsync("Sign in to use the portal.");
                    return;
                }
                if (!IsWebSocketUpgrade(context))
                {
                    // Long polling and server-sent events would make one circuit many short requests that
                    // cannot be counted; the portal needs WebSockets (also through a proxy).
                    context.Response.StatusCode = StatusCodes.Status400BadRequest;
                    await context.Response.WriteAsync("The portal needs WebSockets.");
                    return;
                }
                var (user, address) = CircuitGate.KeysOf(context);
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
