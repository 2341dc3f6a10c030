using System.Net;
using BacklogPortal.Email;
using Microsoft.Extensions.Options;
using MimeKit;

namespace BacklogPortal.Settings;

/// <summary>
/// The email that asks a further address to confirm that it wants a customer's delivery notices. Sent straight
/// through the email transport after the settings are saved; the address receives no notice before the link is opened.
/// </summary>
public sealed class RecipientConfirmationEmail(IEmailTransport transport, IOptions<EmailOptions> options)
{
    public Task SendAsync(string to, string customerName, string addedBy, string confirmationLink, DateTimeOffset expiresAt)
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(options.Value.From));
        message.To.Add(MailboxAddress.Parse(to));
        message.Subject = $"Confirm delivery notices for {customerName}";
        var intro = $"{addedBy} asked BacklogPortal to send the delivery notices of {customerName} (new delivery dates, delays, digests) "
            + "to this address as well. Nothing is sent here until you confirm.";
        var expiry = $"The link works until {expiresAt.UtcDateTime:yyyy-MM-dd HH:mm} UTC. If you did not expect this email, ignore it.";
        var body = new BodyBuilder
        {
            TextBody = $"{intro}\n\nConfirm this address: {confirmationLink}\n\n{expiry}\n\n— BacklogPortal",
            HtmlBody = $"""
                <div style="font-family:Segoe UI,Roboto,Helvetica,Arial,sans-serif;max-width:560px;margin:auto;color:#1f2937">
                  <h2 style="color:#1e3a8a">BacklogPortal</h2>
                  <p>{WebUtility.HtmlEncode(intro)}</p>
                  <p><a href="{WebUtility.HtmlEncode(confirmationLink)}" style="display:inline-block;background:#1e3a8a;color:#fff;padding:10px 18px;border-radius:6px;text-decoration:none">Confirm this address</a></p>
                  <p style="font-size:12px;color:#6b7280">{WebUtility.HtmlEncode(expiry)}</p>
                </div>
                """,
        };
        message.Body = body.ToMessageBody();
        return transport.SendAsync(message);
    }
}
