using System.Security.Claims;
using BacklogPortal.Integration.ApiKeys;

namespace BacklogPortal.Integration;

public static class ApiClientPrincipal
{
    /// <summary>The API client's name: the "who" of everything the request writes.</summary>
    public static string ClientName(this HttpContext context) => context.User.Identity?.Name ?? throw new InvalidOperationException("Not an API request.");

    public static int ClientId(this HttpContext context) =>
        int.Parse(context.User.FindFirstValue(ApiKeyAuthenticationHandler.ClientIdClaim) ?? throw new InvalidOperationException("Not an API request."),
            System.Globalization.CultureInfo.InvariantCulture);
}
