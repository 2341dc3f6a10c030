using System.Security.Cryptography;

namespace BacklogPortal.Hosting;

/// <summary>
/// Headers that tell the browser what the portal's pages may do, on every response (pages, static files,
/// endpoints, error pages). The one inline script the pages carry, Blazor's import map, is allowed by a
/// per-request nonce; everything else is served from the portal itself.
/// </summary>
public static class SecurityHeaders
{
    private const string NonceKey = "BacklogPortal.CspNonce";
    private const string InlineScriptsKey = "BacklogPortal.CspInlineScripts";

    /// <summary>The nonce of this response's Content-Security-Policy, for the inline import map.</summary>
    public static string CspNonce(this HttpContext context) =>
        context.Items[NonceKey] as string ?? "";

    /// <summary>
    /// For a page whose inline scripts cannot carry the nonce: the ERP API's reference page (Scalar), served
    /// in Development only. Its policy allows inline scripts instead (a nonce would make browsers ignore that).
    /// </summary>
    public static void AllowInlineScripts(this HttpContext context) => context.Items[InlineScriptsKey] = true;

    /// <summary>
    /// The policy. <c>style-src 'unsafe-inline'</c> because MudBlazor sets <c>style</c> attributes and
    /// inline <c>&lt;style&gt;</c> blocks for its theme at run time; scripts get no such allowance.
    /// <c>connect-src 'self'</c> covers the circuit's WebSocket (same origin, ws: or wss:).
    /// <c>frame-src 'self'</c> and <c>img-src data:</c> serve the staff's preview of a rendered email and
    /// MudBlazor's inline SVG icons.
    /// </summary>
    public static string Policy(string nonce, bool inlineScripts = false) =>
        "default-src 'self'; " +
        (inlineScripts ? "script-src 'self' 'unsafe-inline'; " : $"script-src 'self' 'nonce-{nonce}'; ") +
        "style-src 'self' 'unsafe-inline'; " +
        "img-src 'self' data: blob:; " +
        "font-src 'self' data:; " +
        "connect-src 'self'; " +
        "frame-src 'self'; " +
        "object-src 'none'; " +
        "base-uri 'self'; " +
        "frame-ancestors 'self'; " +
        "form-action 'self'";

    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) =>
        app.Use((context, next) =>
        {
            // base64url: no '+', '/' or '=', which HTML attribute encoding would turn into entities in the page.
            var nonce = Microsoft.AspNetCore.WebUtilities.WebEncoders.Base64UrlEncode(RandomNumberGenerator.GetBytes(16));
            context.Items[NonceKey] = nonce;
            context.Response.OnStarting(() =>
            {
                var headers = context.Response.Headers;
                headers.ContentSecurityPolicy = Policy(nonce, context.Items.ContainsKey(InlineScriptsKey));
                headers.XContentTypeOptions = "nosniff";
                headers["Referrer-Policy"] = "strict-origin-when-cross-origin";
                headers["Permissions-Policy"] =
                    "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()";
                headers.XFrameOptions = "SAMEORIGIN";
                // Only browsers from before CSP still run an XSS filter; "block" stops the page instead of editing it,
                // and frame-ancestors keeps other sites from framing it to observe that. Scanners expect the header.
                headers.XXSSProtection = "1; mode=block";
                headers["Cross-Origin-Opener-Policy"] = "same-origin";
                return Task.CompletedTask;
            });
            return next(context);
        });
}
