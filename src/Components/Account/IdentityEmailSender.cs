using System.Net;
using BacklogPortal.Data;
using BacklogPortal.Notifications;
using Microsoft.AspNetCore.Identity;

namespace BacklogPortal.Components.Account;

/// <summary>
/// Account emails (confirm address, reset password, invitation): worded in the language of the user's
/// customer, greeting the user by name, and handed to the <see cref="EmailQueue"/>, so the notification
/// dispatcher sends them like every other email (pooled connections, retries) and staff see them on the
/// notifications log without their link (decision 010). Identity hands the links over HTML-encoded.
/// </summary>
internal sealed class IdentityEmailSender(EmailQueue queue, IDbContextFactory<PortalDbContext> dbFactory) : IEmailSender<ApplicationUser>
{
    public async Task SendConfirmationLinkAsync(ApplicationUser user, string email, string confirmationLink)
    {
        var (texts, _) = await TextsForAsync(user);
        await SendAsync(user, email, texts.ConfirmAddress(user.DisplayName, confirmationLink));
    }

    public async Task SendPasswordResetLinkAsync(ApplicationUser user, string email, string resetLink)
    {
        var (texts, _) = await TextsForAsync(user);
        await SendAsync(user, email, texts.ResetPassword(user.DisplayName, resetLink));
    }

    /// <summary>An administrator invited this person; the link sets their first password (a password reset token).</summary>
    public async Task SendInvitationLinkAsync(ApplicationUser user, string email, string invitationLink)
    {
        var (texts, customerName) = await TextsForAsync(user);
        await SendAsync(user, email, texts.Invitation(user.DisplayName, customerName, invitationLink));
    }

    public async Task SendPasswordResetCodeAsync(ApplicationUser user, string email, string resetCode)
    {
        var (texts, _) = await TextsForAsync(user);
        await SendAsync(user, email, texts.ResetCode(user.DisplayName, resetCode));
    }

    public async Task SendAccountExistsAsync(ApplicationUser user, string email, string signInLink, string resetLink)
    {
        var (texts, _) = await TextsForAsync(user);
        await SendAsync(user, email, texts.AccountExists(user.DisplayName, signInLink, resetLink));
    }

    private async Task<(AccountEmailTexts Texts, string? CustomerName)> TextsForAsync(ApplicationUser user)
    {
        if (user.CustomerId is not { } customerId)
        {
            return (AccountEmailTexts.For(System.Globalization.CultureInfo.InvariantCulture), null);
        }
        await using var db = await dbFactory.CreateDbContextAsync();
        var customer = await db.Customers.AsNoTracking().Where(c => c.Id == customerId)
            .Select(c => new { c.Name, c.Culture }).SingleOrDefaultAsync();
        return (AccountEmailTexts.For(CustomerLocale.CultureFor(customer?.Culture)), customer?.Name);
    }

    private Task SendAsync(ApplicationUser user, string to, AccountEmailText email) =>
        queue.EnqueueAsync(new OutgoingEmail(NotificationKind.AccountEmail, user.CustomerId, to.Trim(), email.Subject, Html(email), Text(email)));

    internal static string Text(AccountEmailText email)
    {
        // A link inside the intro keeps its address in the text part: "reset the password (https://...)".
        var intro = WebUtility.HtmlDecode(System.Text.RegularExpressions.Regex.Replace(email.IntroHtml, "<a href=\"([^\"]*)\">([^<]*)</a>", "$2 ($1)"));
        var link = email.EncodedLink is null ? "" : $"\n\n{email.Action}: {WebUtility.HtmlDecode(email.EncodedLink)}";
        return $"{email.Greeting}\n\n{intro}{link}\n\n— BacklogPortal";
    }

    internal static string Html(AccountEmailText email) => $"""
        <div style="font-family:Segoe UI,Roboto,Helvetica,Arial,sans-serif;max-width:560px;margin:auto;color:#1f2937">
          <h2 style="color:#1e3a8a">BacklogPortal</h2>
          <p>{WebUtility.HtmlEncode(email.Greeting)}</p>
          <p>{email.IntroHtml}</p>
          {(email.EncodedLink is null ? "" : $"<p><a href=\"{email.EncodedLink}\" style=\"display:inline-block;background:#1e3a8a;color:#fff;padding:10px 18px;border-radius:6px;text-decoration:none\">{WebUtility.HtmlEncode(email.Action)}</a></p><p style=\"font-size:12px;color:#6b7280\">{WebUtility.HtmlEncode(email.OrOpen)} {email.EncodedLink}</p>")}
        </div>
        """;
}
