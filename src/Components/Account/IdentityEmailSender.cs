using System.Net;
using BacklogPortal.Data;
using BacklogPortal.Domain;
using BacklogPortal.Notifications;
using Microsoft.AspNetCore.Identity;

namespace BacklogPortal.Components.Account;

/// <summary>
/// Account emails (confirm address, reset password, invitation): rendered here and handed to the
/// <see cref="EmailQueue"/>, so the notification dispatcher sends them like every other email (pooled
/// connections, retries) and staff see them on the notifications log without their link (decision 010).
/// </summary>
internal sealed class IdentityEmailSender(EmailQueue queue) : IEmailSender<ApplicationUser>
{
    // Identity hands the links over HTML-encoded already.
    public Task SendConfirmationLinkAsync(ApplicationUser user, string email, string confirmationLink) =>
        SendAsync(user, email, "Confirm your BacklogPortal email address",
            "Please confirm your email address to finish setting up your BacklogPortal account.",
            "Confirm email address", confirmationLink);

    public Task SendPasswordResetLinkAsync(ApplicationUser user, string email, string resetLink) =>
        SendAsync(user, email, "Reset your BacklogPortal password",
            "Someone (hopefully you) asked to reset the password of your BacklogPortal account. If it was not you, ignore this email.",
            "Reset password", resetLink);

    /// <summary>An administrator invited this person; the link sets their first password (a password reset token).</summary>
    public Task SendInvitationLinkAsync(ApplicationUser user, string email, string invitedAs, string invitationLink) =>
        SendAsync(user, email, "You are invited to BacklogPortal",
            $"You have been given access to BacklogPortal {WebUtility.HtmlEncode(invitedAs)}. Choose your password to sign in. "
            + "The link works once and expires; ask us for a new invitation if it has.",
            "Choose your password", invitationLink);

    public Task SendPasswordResetCodeAsync(ApplicationUser user, string email, string resetCode) =>
        SendAsync(user, email, "Your BacklogPortal password reset code",
            $"Use this code to reset your password: {WebUtility.HtmlEncode(resetCode)}", null, null);

    public Task SendAccountExistsAsync(ApplicationUser user, string email, string signInLink, string resetLink) =>
        SendAsync(user, email, "Your BacklogPortal account",
            $"Someone (hopefully you) tried to create a BacklogPortal account with this address, which has an account already. " +
            $"If it was you, sign in with your password, or <a href=\"{resetLink}\">reset the password</a> if you have forgotten it. If it was not you, ignore this email.",
            "Sign in", signInLink);

    private Task SendAsync(ApplicationUser user, string to, string subject, string introHtml, string? action, string? encodedLink)
    {
        var link = encodedLink is null ? null : WebUtility.HtmlDecode(encodedLink);
        var textBody = link is null
                ? $"{WebUtility.HtmlDecode(introHtml)}\n\n— BacklogPortal"
                : $"{WebUtility.HtmlDecode(introHtml)}\n\n{action}: {link}\n\n— BacklogPortal";
        var htmlBody = $"""
                <div style="font-family:Segoe UI,Roboto,Helvetica,Arial,sans-serif;max-width:560px;margin:auto;color:#1f2937">
                  <h2 style="color:#1e3a8a">BacklogPortal</h2>
                  <p>{introHtml}</p>
                  {(link is null ? "" : $"<p><a href=\"{encodedLink}\" style=\"display:inline-block;background:#1e3a8a;color:#fff;padding:10px 18px;border-radius:6px;text-decoration:none\">{action}</a></p><p style=\"font-size:12px;color:#6b7280\">Or open this address: {encodedLink}</p>")}
                </div>
                """;
        return queue.EnqueueAsync(new OutgoingEmail(NotificationKind.AccountEmail, user.CustomerId, to.Trim(), subject, htmlBody, textBody));
    }
}
