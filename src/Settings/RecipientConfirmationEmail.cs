using System.Net;
using BacklogPortal.Notifications;

namespace BacklogPortal.Settings;

/// <summary>
/// The email that asks a further address to confirm that it wants a customer's delivery notices. It is an
/// account email (its body carries a link token, so staff see it on the log without the body) and goes
/// through the <see cref="EmailQueue"/> in the same transaction as the address it confirms.
/// </summary>
public static class RecipientConfirmationEmail
{
    public static OutgoingEmail For(int customerId, string to, string customerName, string addedBy, string confirmationLink, DateTimeOffset expiresAt)
    {
        var intro = $"{addedBy} asked BacklogPortal to send the delivery notices of {customerName} (new delivery dates, delays, digests) "
            + "to this address as well. Nothing is sent here until you confirm.";
        var expiry = $"The link works until {expiresAt.UtcDateTime:yyyy-MM-dd HH:mm} UTC. If you did not expect this email, ignore it.";
        var text = $"{intro}\n\nConfirm this address: {confirmationLink}\n\n{expiry}\n\n— BacklogPortal";
        var html = $"""
            <div style="font-family:Segoe UI,Roboto,Helvetica,Arial,sans-serif;max-width:560px;margin:auto;color:#1f2937">
              <h2 style="color:#1e3a8a">BacklogPortal</h2>
              <p>{WebUtility.HtmlEncode(intro)}</p>
              <p><a href="{WebUtility.HtmlEncode(confirmationLink)}" style="display:inline-block;background:#1e3a8a;color:#fff;padding:10px 18px;border-radius:6px;text-decoration:none">Confirm this address</a></p>
              <p style="font-size:12px;color:#6b7280">{WebUtility.HtmlEncode(expiry)}</p>
            </div>
            """;
        return new OutgoingEmail(NotificationKind.AccountEmail, customerId, to, $"Confirm delivery notices for {customerName}", html, text);
    }
}
