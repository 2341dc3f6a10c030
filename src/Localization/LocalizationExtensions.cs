using System.Globalization;
using Microsoft.AspNetCore.Localization;

namespace BacklogPortal.Localization;

public static class LocalizationExtensions
{
    /// <summary>The languages the portal's pages are written in; any culture of these languages formats dates and numbers.</summary>
    public static readonly IReadOnlyList<string> Languages = ["en", "de"];

    /// <summary>
    /// Strings from resource files (<c>IStringLocalizer&lt;XyzTexts&gt;</c>, docs/decisions/012-portal-language.md) and
    /// a request culture per request: the signed-in customer's <c>Customer.Culture</c>, English for staff, the
    /// browser's Accept-Language for visitors who are not signed in, en-US otherwise. An interactive page keeps
    /// the culture of the request that opened its circuit.
    /// </summary>
    public static IHostApplicationBuilder AddPortalLocalization(this IHostApplicationBuilder builder)
    {
        builder.Services.AddLocalization();
        builder.Services.AddMemoryCache();
        builder.Services.AddSingleton<CustomerLocales>();
        builder.Services.AddOptions<RequestLocalizationOptions>().Configure<CustomerLocales>((options, locales) =>
        {
            var cultures = CultureInfo.GetCultures(CultureTypes.AllCultures)
                .Where(c => Languages.Contains(c.TwoLetterISOLanguageName) && c.Name.Length > 0)
                .ToList();
            options.DefaultRequestCulture = new RequestCulture(CustomerLocale.DefaultCulture);
            options.SupportedCultures = cultures;
            options.SupportedUICultures = cultures;
            options.FallBackToParentCultures = true;
            options.FallBackToParentUICultures = true;
            options.RequestCultureProviders =
            [
                new SignedInUserCultureProvider(locales),
                new AcceptLanguageHeaderRequestCultureProvider(),
            ];
        });
        return builder;
    }

    /// <summary>After authentication, so that the signed-in user's culture is known; before the pages and the Blazor hub.</summary>
    public static WebApplication UsePortalLocalization(this WebApplication app)
    {
        app.UseRequestLocalization();
        return app;
    }
}
