using BacklogPortal.Components.Account;
using Microsoft.AspNetCore.Localization;

namespace BacklogPortal.Localization;

/// <summary>
/// The culture of a signed-in user: a customer user reads the portal in their customer account's language
/// (the one their emails use), a staff user in English (the staff pages are English only). Visitors who are
/// not signed in are left to the next provider (Accept-Language).
/// </summary>
internal sealed class SignedInUserCultureProvider(CustomerLocales locales) : RequestCultureProvider
{
    private static readonly ProviderCultureResult Staff = new(CustomerLocale.DefaultCulture.Name);

    public override async Task<ProviderCultureResult?> DetermineProviderCultureResult(HttpContext httpContext)
    {
        var user = httpContext.User;
        if (user.Identity?.IsAuthenticated != true)
        {
            return null;
        }
        if (user.GetCustomerId() is not { } customerId)
        {
            return Staff;
        }
        var locale = await locales.GetAsync(customerId, httpContext.RequestAborted);
        return new ProviderCultureResult(locale.Culture.Name);
    }
}
