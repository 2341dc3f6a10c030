using System.Text;
using System.Text.Encodings.Web;
using BacklogPortal.Data;
using BacklogPortal.Hosting;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.WebUtilities;

namespace BacklogPortal.Components.Account;

/// <summary>
/// Sends the account emails (confirm address, confirm a new address, reset password) with links that
/// start at <c>Portal:PublicBaseUrl</c>. The request's own host is never used: a forged Host header
/// must not be able to point a reset link at someone else's server.
/// </summary>
internal sealed class AccountEmails(
    UserManager<ApplicationUser> userManager,
    IdentityEmailSender emailSender,
    IOptions<PortalOptions> portal,
    AccountEmailThrottle throttle,
    IHttpContextAccessor httpContext,
    ILogger<AccountEmails> logger)
{
    public async Task SendEmailConfirmationAsync(ApplicationUser user, string email, string? returnUrl = null)
    {
        if (!MaySend(email))
        {
            return;
        }
        var token = await userManager.GenerateEmailConfirmationTokenAsync(user);
        var link = Link("Account/ConfirmEmail", new()
        {
            ["userId"] = await userManager.GetUserIdAsync(user),
            ["code"] = Encode(token),
            ["returnUrl"] = returnUrl,
        });
        await emailSender.SendConfirmationLinkAsync(user, email, HtmlEncoder.Default.Encode(link));
    }

    public async Task SendEmailChangeConfirmationAsync(ApplicationUser user, string newEmail)
    {
        if (!MaySend(newEmail))
        {
            return;
        }
        var token = await userManager.GenerateChangeEmailTokenAsync(user, newEmail);
        var link = Link("Account/ConfirmEmailChange", new()
        {
            ["userId"] = await userManager.GetUserIdAsync(user),
            ["email"] = newEmail,
            ["code"] = Encode(token),
        });
        await emailSender.SendConfirmationLinkAsync(user, newEmail, HtmlEncoder.Default.Encode(link));
    }

    public async Task SendPasswordResetAsync(ApplicationUser user, string email)
    {
        if (!MaySend(email))
        {
            return;
        }
        var token = await userManager.GeneratePasswordResetTokenAsync(user);
        var link = Link("Account/ResetPassword", new() { ["code"] = Encode(token) });
        await emailSender.SendPasswordResetLinkAsync(user, email, HtmlEncoder.Default.Encode(link));
    }

    /// <summary>
    /// An invitation: the password reset flow sets the invited user's first password, so the link
    /// proves the address and nothing secret travels by email. The email words what the user was
    /// invited as from the user itself (their customer, or staff), in the customer's language;
    /// <paramref name="invitedAs"/> is for the caller's log.
    /// </summary>
    public async Task SendInvitationAsync(ApplicationUser user, string email, string invitedAs)
    {
        var token = await userManager.GeneratePasswordResetTokenAsync(user);
        var link = Link("Account/ResetPassword", new() { ["code"] = Encode(token) });
        await emailSender.SendInvitationLinkAsync(user, email, HtmlEncoder.Default.Encode(link));
    }

    /// <summary>
    /// Someone tried to register with an address that has an account already. The form answers as for a
    /// new address (nothing tells the visitor the address is taken); the owner learns it here.
    /// </summary>
    public async Task SendAccountExistsAsync(ApplicationUser owner, string email)
    {
        if (!MaySend(email))
        {
            return;
        }
        await emailSender.SendAccountExistsAsync(owner, email, HtmlEncoder.Default.Encode(Link("Account/Login", [])),
            HtmlEncoder.Default.Encode(Link("Account/ForgotPassword", [])));
    }

    private bool MaySend(string recipient)
    {
        var client = httpContext.HttpContext?.Connection.RemoteIpAddress?.ToString() ?? "unknown";
        if (throttle.TryAcquire(recipient, client))
        {
            return true;
        }
        // Silent for the requester, visible to operators.
        logger.LogWarning("Account email to {Recipient} requested from {Client} not sent: over the account email limit", recipient, client);
        return false;
    }

    /// <summary>Identity's tokens contain '+', '/' and '='; the pages decode them from base64url.</summary>
    private static string Encode(string token) => WebEncoders.Base64UrlEncode(Encoding.UTF8.GetBytes(token));

    private string Link(string path, Dictionary<string, string?> query)
    {
        var baseUrl = portal.Value.PublicBaseUrl.TrimEnd('/');
        return QueryHelpers.AddQueryString($"{baseUrl}/{path}", query.Where(pair => pair.Value is not null));
    }
}
