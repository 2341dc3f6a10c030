using System.Net;
using System.Text.RegularExpressions;

namespace BacklogPortal.Tests.Infrastructure;

/// <summary>Signs in through the real /Account/Login form, antiforgery token and cookies included.</summary>
public static partial class HttpSignIn
{
    public static HttpClient CreatePortalClient(this PortalAppFactory factory, bool followRedirects = false) =>
        factory.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions
        {
            AllowAutoRedirect = followRedirects,
            HandleCookies = true,
        });

    /// <summary>Posts the sign-in form; returns the response (302 on success, 200 with an error on failure).</summary>
    public static async Task<HttpResponseMessage> PostSignInAsync(this HttpClient client, string email, string password)
    {
        var form = await client.GetStringAsync("/Account/Login");
        return await client.PostAsync("/Account/Login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = AntiforgeryToken(form),
            ["_handler"] = "login",
            ["Input.Email"] = email,
            ["Input.Password"] = password,
        }));
    }

    public static async Task SignInAsync(this HttpClient client, string email, string password)
    {
        var response = await client.PostSignInAsync(email, password);
        if (response.StatusCode != HttpStatusCode.Redirect)
        {
            throw new InvalidOperationException($"Sign-in of {email} failed with {(int)response.StatusCode}.");
        }
    }

    public static string AntiforgeryToken(string html) =>
        AntiforgeryPattern().Match(html) is { Success: true } match
            ? WebUtility.HtmlDecode(match.Groups[1].Value)
            : throw new InvalidOperationException("The page has no antiforgery token.");

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryPattern();
}
