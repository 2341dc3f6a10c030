using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;

namespace BacklogPortal.TwoInstances;

/// <summary>What the harness does over HTTP: sign in through the real form, call the ERP API, wait for a condition.</summary>
public static partial class Http
{
    public const string Password = "Demo-Passw0rd!";
    public const string ApiKey = "demo-erp-key-0000000000000000";

    /// <summary>A client with its own cookie jar (a browser), not following redirects so the harness sees them.</summary>
    public static HttpClient Browser(string baseUrl, CookieContainer? cookies = null) =>
        new(new HttpClientHandler { CookieContainer = cookies ?? new CookieContainer(), AllowAutoRedirect = false })
        {
            BaseAddress = new Uri(baseUrl),
        };

    /// <summary>Posts the sign-in form with its antiforgery token, as a browser does; true when the portal signed the user in.</summary>
    public static async Task<bool> SignInAsync(HttpClient client, string email)
    {
        var page = await client.GetStringAsync("/Account/Login");
        var fields = HiddenInput().Matches(page).ToDictionary(m => WebUtility.HtmlDecode(m.Groups["name"].Value), m => WebUtility.HtmlDecode(m.Groups["value"].Value));
        fields["Input.Email"] = email;
        fields["Input.Password"] = Password;
        using var response = await client.PostAsync("/Account/Login", new FormUrlEncodedContent(fields));
        return response.StatusCode == HttpStatusCode.Redirect && response.Headers.Location?.OriginalString.Contains("Login", StringComparison.OrdinalIgnoreCase) == false;
    }

    public static HttpClient Erp(string baseUrl)
    {
        var client = new HttpClient { BaseAddress = new Uri(baseUrl + "/api/v1/") };
        client.DefaultRequestHeaders.Add("X-Api-Key", ApiKey);
        return client;
    }

    public static async Task PutAsync(HttpClient erp, string path, object body)
    {
        using var response = await erp.PutAsJsonAsync(path, body);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"PUT {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }
    }

    public static async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Waited {timeout.TotalSeconds:0} s for {what}.");
            }
            // A harness polls a real system from outside; there is no event to wait on.
            await Task.Delay(100);
        }
    }

    [GeneratedRegex("<input[^>]*type=\"hidden\"[^>]*name=\"(?<name>[^\"]+)\"[^>]*value=\"(?<value>[^\"]*)\"", RegexOptions.IgnoreCase)]
    private static partial Regex HiddenInput();
}
