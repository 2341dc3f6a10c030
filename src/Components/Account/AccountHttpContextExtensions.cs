using Microsoft.AspNetCore.Diagnostics;

namespace BacklogPortal.Components.Account;

internal static class AccountHttpContextExtensions
{
    /// <summary>
    /// An error status for a page that explains the error itself: the app-wide status code page
    /// (re-executed for 4xx responses) must not replace it.
    /// </summary>
    public static void RespondWithOwnErrorPage(this HttpContext context, int statusCode)
    {
        if (context.Features.Get<IStatusCodePagesFeature>() is { } statusCodePages)
        {
            statusCodePages.Enabled = false;
        }
        context.Response.StatusCode = statusCode;
    }
}
