using System.Net;
using BacklogPortal.Data;
using BacklogPortal.Email;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using MimeKit;

namespace BacklogPortal.Components.Account;

/// <summary>Account emails (confirm address, reset password) through the portal's email transport.</summary>
internal sealed class IdentityEmailSender(IEmailTransport transport, IOptions<EmailOptions> options) : IEmailSender<ApplicationUser>
{
    // Identity hands the links over HTML-encoded already.
    public Task SendConfirmationLinkAsync(ApplicationUser user, string email, string confirmationLink) =>
        SendAsync(email, "Confirm your BacklogPortal email address",
            "Please confirm your email address to finish setting up your BacklogPortal account.",
            "Confirm email address", confirmationLink);

    public Task SendPasswordResetLinkAsync(ApplicationUser user, string email, string resetLink) =>
        SendAsync(email, "Reset your BacklogPortal password",
            "Someone (hopefully you) asked to reset the password of your BacklogPortal account. If it was not you, ignore this email.",
            "Reset password", resetLink);

    public Task SendPasswordResetCodeAsync(ApplicationUser user, string email, string resetCode) =>
        SendAsync(email, "Your BacklogPortal password reset code",
            $"Use this code to reset your password: {WebUtility.HtmlEncode(resetCode)}", null, null);

    public Task SendAccountExistsAsync(ApplicationUser user, string email, string signInLink, string resetLink) =>
        SendAsync(email, "Your BacklogPortal account",
            $"Someone (hopefully you) tried to create a BacklogPortal account with this address, which has an account already. " +
            $"If it was you, sign in with your password, or <a href=\"{resetLink}\">reset the password</a> if you have forgotten it. If it was not you, ignore this email.",
            "Sign in", signInLink);

    private Task SendAsync(string to, string subject, string introHtml, string? action, string? encodedLink)
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(options.Value.From));
        message.To.Add(MailboxAddress.Parse(to));
        message.Subject = subject;
        var link = encodedLink is null ? null : WebUtility.HtmlDecode(encodedLink);
        var body = new BodyBuilder
        {
            TextBody = link is null
                ? $"{WebUtility.HtmlDecode(introHtml)}\n\n— BacklogPortal"
                : $"{WebUtility.HtmlDecode(introHtml)}\n\n{action}: {link}\n\n— BacklogPortal",
            HtmlBody = $"""
                <div style="font-family:Segoe UI,Roboto,Helvetica,Arial,sans-serif;max-width:560px;margin:auto;color:#1f2937">
                  <h2 style="color:#1e3a8a">BacklogPortal</h2>
                  <p>{introHtml}</p>
                  {(link is null ? "" : $"<p><a href=\"{encodedLink}\" style=\"display:inline-block;background:#1e3a8a;color:#fff;padding:10px 18px;border-radius:6px;text-decoration:none\">{action}</a></p><p style=\"font-size:12px;color:#6b7280\">Or open this address: {encodedLink}</p>")}
                </div>
                """,
        };
        message.Body = body.ToMessageBody();
        return transport.SendAsync(message);
    }
}
