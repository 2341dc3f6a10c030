using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Identity;
using BacklogPortal.Data;

namespace BacklogPortal.Components.Account;

internal sealed class IdentityRedirectManager(NavigationManager navigationManager, TimeProvider clock)
{
    public const string StatusCookieName = "Identity.StatusMessage";

    private static readonly CookieBuilder StatusCookieBuilder = new()
    {
        SameSite = SameSiteMode.Strict,
        HttpOnly = true,
        IsEssential = true,
        MaxAge = TimeSpan.FromSeconds(5),
    };

    /// <summary>
    /// Deletes the status message once shown, with the attributes it was set with: a bare delete would send a
    /// Set-Cookie without HttpOnly, which scanners rightly flag.
    /// </summary>
    public static void DeleteStatusCookie(HttpContext context)
    {
        var options = StatusCookieBuilder.Build(context);
        options.MaxAge = null;
        context.Response.Cookies.Delete(StatusCookieName, options);
    }

    public void RedirectTo(string? uri)
    {
        uri ??= "";

        // Prevent open redirects: an absolute address is followed only inside the portal; anything
        // else (another host, "//host", "/\\host") lands on the start page.
        if (!Uri.IsWellFormedUriString(uri, UriKind.Relative)
            || uri.StartsWith("//", StringComparison.Ordinal)
            || uri.StartsWith("/\\", StringComparison.Ordinal))
        {
            uri = Uri.TryCreate(uri, UriKind.Absolute, out var absolute)
                && absolute.GetLeftPart(UriPartial.Authority) == new Uri(navigationManager.BaseUri).GetLeftPart(UriPartial.Authority)
                ? navigationManager.ToBaseRelativePath(absolute.ToString())
                : "";
        }

        navigationManager.NavigateTo(uri);
    }

    public void RedirectTo(string uri, Dictionary<string, object?> queryParameters)
    {
        var uriWithoutQuery = navigationManager.ToAbsoluteUri(uri).GetLeftPart(UriPartial.Path);
        var newUri = navigationManager.GetUriWithQueryParameters(uriWithoutQuery, queryParameters);
        RedirectTo(newUri);
    }

    public void RedirectToWithStatus(string uri, string message, HttpContext context)
    {
        context.Response.Cookies.Append(StatusCookieName, message, StatusCookieBuilder.Build(context));
        RedirectTo(uri);
    }

    private string CurrentPath => navigationManager.ToAbsoluteUri(navigationManager.Uri).GetLeftPart(UriPartial.Path);

    public void RedirectToCurrentPage() => RedirectTo(CurrentPath);

    public void RedirectToCurrentPageWithStatus(string message, HttpContext context)
        => RedirectToWithStatus(CurrentPath, message, context);

    /// <summary>The lockout page, told how long the lock still lasts so it can say when to try again.</summary>
    public void RedirectToLockout(ApplicationUser? user)
    {
        var remaining = user?.LockoutEnd - clock.GetUtcNow();
        if (remaining is { } time && time > TimeSpan.Zero)
        {
            RedirectTo("Account/Lockout", new() { ["minutes"] = (int)Math.Ceiling(time.TotalMinutes) });
        }
        else
        {
            RedirectTo("Account/Lockout");
        }
    }

    public void RedirectToInvalidUser(UserManager<ApplicationUser> userManager, HttpContext context)
        => RedirectToWithStatus("Account/InvalidUser", $"Error: Unable to load user with ID '{userManager.GetUserId(context.User)}'.", context);
}
