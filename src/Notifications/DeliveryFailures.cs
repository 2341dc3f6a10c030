using BacklogPortal.Domain;
using MailKit.Net.Smtp;

namespace BacklogPortal.Notifications;

/// <summary>Which delivery failures are worth another attempt, and when.</summary>
public static class DeliveryFailures
{
    /// <summary>
    /// A 5xx reply is the server's final word on this message (unknown mailbox, rejected content):
    /// retrying cannot help. 4xx replies (busy, greylisting, quota), broken connections, timeouts and
    /// I/O errors pass, so they are retried.
    /// </summary>
    public static bool IsPermanent(Exception exception) =>
        exception is SmtpCommandException { StatusCode: var code } && (int)code >= 500;

    public static string Describe(Exception exception)
    {
        var text = exception switch
        {
            SmtpCommandException smtp => $"SMTP {(int)smtp.StatusCode} ({smtp.ErrorCode}): {smtp.Message}",
            MailServerUnavailableException unavailable => unavailable.Message,
            _ => $"{exception.GetType().Name}: {exception.Message}",
        };
        return text.Length <= Notification.MaxLastErrorLength ? text : text[..Notification.MaxLastErrorLength];
    }

    /// <summary>
    /// Exponential backoff with "equal jitter": half of the delay fixed, half random, so the retries
    /// of many emails that failed together (a server outage) spread out instead of returning as a wave.
    /// </summary>
    public static TimeSpan Backoff(int attempts, NotificationsOptions options, Random? random = null)
    {
        var exponential = options.RetryBaseDelay.TotalMilliseconds * Math.Pow(2, Math.Clamp(attempts - 1, 0, 30));
        var capped = Math.Min(exponential, options.RetryMaxDelay.TotalMilliseconds);
        return TimeSpan.FromMilliseconds(capped / 2 + (random ?? Random.Shared).NextDouble() * capped / 2);
    }
}

/// <summary>The SMTP server could not be reached or refused the session (connect, TLS or login failed).</summary>
public sealed class MailServerUnavailableException(string message, Exception inner) : Exception(message, inner);
