using System.Net;
using System.Text.RegularExpressions;
using AngleSharp.Dom;
using AngleSharp.Html.Dom;
using AngleSharp.Html.Parser;
using BacklogPortal.Data;
using BacklogPortal.Tests.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;

namespace BacklogPortal.Tests.Components.Account;

/// <summary>Drives the static Identity pages as a browser would: load the page, fill its form, post it.</summary>
internal static partial class AccountForms
{
    public const string StrongPassword = "Tr4ck-My-Orders!";

    /// <summary>
    /// Loads <paramref name="pageUrl"/>, takes the form whose Blazor form name is <paramref name="formName"/>
    /// with all its hidden fields (antiforgery token included), sets <paramref name="fields"/> and posts it
    /// back to the page address, as the browser does for a static SSR form.
    /// </summary>
    public static async Task<HttpResponseMessage> SubmitAsync(this HttpClient client, string pageUrl, string formName,
        IReadOnlyDictionary<string, string> fields)
    {
        var page = await client.GetAsync(pageUrl);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var document = await new HtmlParser().ParseDocumentAsync(await page.Content.ReadAsStringAsync());
        var form = document.QuerySelectorAll("form").OfType<IHtmlFormElement>()
            .SingleOrDefault(f => f.QuerySelector($"input[name=_handler][value='{formName}']") is not null)
            ?? throw new InvalidOperationException($"{pageUrl} has no form named '{formName}'.");

        var values = form.QuerySelectorAll("input[type=hidden]").OfType<IHtmlInputElement>()
            .Where(input => !string.IsNullOrEmpty(input.Name))
            .ToDictionary(input => input.Name!, input => input.Value);
        foreach (var (name, value) in fields)
        {
            values[name] = value;
        }
        return await client.PostAsync(pageUrl, new FormUrlEncodedContent(values));
    }

    public static string LocationPath(this HttpResponseMessage response)
    {
        var location = response.Headers.Location ?? throw new InvalidOperationException($"A {(int)response.StatusCode} without a Location header.");
        return location.IsAbsoluteUri ? location.PathAndQuery : location.OriginalString;
    }

    public static string UniqueEmail(string purpose) => $"{purpose}-{Guid.NewGuid():n}@example.net";

    public static async Task<ApplicationUser> CreateUserAsync(this PortalAppFactory factory, string email, bool emailConfirmed)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var user = new ApplicationUser { UserName = email, Email = email, EmailConfirmed = emailConfirmed, DisplayName = "Test User" };
        var result = await users.CreateAsync(user, StrongPassword);
        Assert.True(result.Succeeded, string.Join(" ", result.Errors.Select(e => e.Description)));
        return user;
    }

    public static async Task<T> WithUserAsync<T>(this PortalAppFactory factory, string email, Func<UserManager<ApplicationUser>, ApplicationUser, Task<T>> read)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var user = await users.FindByEmailAsync(email) ?? throw new InvalidOperationException($"No user {email}.");
        return await read(users, user);
    }

    /// <summary>The account emails queued to <paramref name="address"/>, oldest first.</summary>
    public static async Task<List<BacklogPortal.Domain.Notification>> AccountEmailsToAsync(this PortalAppFactory factory, string address)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        await using var db = await scope.ServiceProvider.GetRequiredService<Microsoft.EntityFrameworkCore.IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
        return await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.ToListAsync(
            db.Notifications.Where(n => n.Kind == BacklogPortal.Domain.NotificationKind.AccountEmail && n.ToAddress == address).OrderBy(n => n.Id));
    }

    public static Task<MimeMessage> WaitForEmailToAsync(this PortalAppFactory factory, string address) =>
        factory.Smtp.WaitForMessageAsync(message => message.To.Mailboxes.Any(m => string.Equals(m.Address, address, StringComparison.OrdinalIgnoreCase)));

    /// <summary>The one link in the email's plain-text part that leads to <paramref name="path"/>.</summary>
    public static Uri LinkTo(this MimeMessage message, string path)
    {
        var links = LinkPattern().Matches(message.TextBody ?? "").Select(match => new Uri(match.Value))
            .Where(uri => uri.AbsolutePath.Equals(path, StringComparison.OrdinalIgnoreCase))
            .ToList();
        Assert.Single(links);
        return links[0];
    }

    [GeneratedRegex(@"https?://\S+")]
    private static partial Regex LinkPattern();
}
