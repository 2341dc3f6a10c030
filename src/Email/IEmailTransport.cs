using MimeKit;

namespace BacklogPortal.Email;

/// <summary>
/// Hands a finished message to its way out: an SMTP server, or the pickup folder when no server is
/// configured. The one seam between the portal and mail delivery.
/// </summary>
public interface IEmailTransport
{
    Task SendAsync(MimeMessage message, CancellationToken cancellationToken = default);
}
