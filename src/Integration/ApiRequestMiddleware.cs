using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.Features;

namespace BacklogPortal.Integration;

/// <summary>
/// Around every <c>/api</c> request: the body is read into memory up to
/// <see cref="IntegrationOptions.MaxRequestBodyBytes"/> (413 beyond; replayable for the
/// idempotency check), the portal's HTML status pages stay out, and an error status without a
/// body (no route, wrong method) still answers with problem details.
/// </summary>
internal sealed class ApiRequestMiddleware(RequestDelegate next, IOptions<IntegrationOptions> options)
{
    public async Task InvokeAsync(HttpContext context)
    {
        if (context.Features.Get<IStatusCodePagesFeature>() is { } statusPages)
        {
            statusPages.Enabled = false;
        }
        var limit = options.Value.MaxRequestBodyBytes;
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } serverLimit)
        {
            // The server's own limit (Kestrel: 30 MB) must not undercut the configured one.
            serverLimit.MaxRequestBodySize = limit + 1L;
        }
        if (context.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody ?? context.Request.ContentLength > 0)
        {
            if (context.Request.ContentLength > limit || await BufferAsync(context, limit) is not { } buffered)
            {
                await TooLargeAsync(context, limit);
                return;
            }
            context.Request.Body = buffered;
        }

        await next(context);

        var response = context.Response;
        if (response.StatusCode >= 400 && !response.HasStarted && response.ContentLength is null && string.IsNullOrEmpty(response.ContentType))
        {
            var detail = response.StatusCode switch
            {
                StatusCodes.Status404NotFound => "There is no such resource; see /openapi/v1.json for the API's routes.",
                StatusCodes.Status405MethodNotAllowed => "This resource does not take that method; see /openapi/v1.json.",
                _ => null,
            };
            await TypedResults.Problem(detail, statusCode: response.StatusCode).ExecuteAsync(context);
        }
    }

    // Null when the body is larger than the limit (also one sent without a Content-Length).
    private static async Task<MemoryStream?> BufferAsync(HttpContext context, int limit)
    {
        var buffer = new MemoryStream();
        var chunk = new byte[81920];
        try
        {
            int read;
            while ((read = await context.Request.Body.ReadAsync(chunk, context.RequestAborted)) > 0)
            {
                if (buffer.Length + read > limit)
                {
                    return null;
                }
                buffer.Write(chunk, 0, read);
            }
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return null;
        }
        buffer.Position = 0;
        return buffer;
    }

    private static Task TooLargeAsync(HttpContext context, int limit) =>
        TypedResults.Problem(
            $"The request body is larger than {limit:N0} bytes; send fewer lines per request.",
            statusCode: StatusCodes.Status413PayloadTooLarge,
            title: "Request body too large.").ExecuteAsync(context);
}
