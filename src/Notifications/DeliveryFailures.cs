using BacklogPortal.Email;

namespace BacklogPortal.Notifications;

/// <summary>Which delivery failures are worth another attempt, and when.</summary>
public static class DeliveryFailures
{
    /// <inheritdoc cref="MailFailures.IsPermanent"/>
    public static bool IsPermanent(Exception exception) => MailFailures.IsPermanent(exception);

    /// <summary>What staff read as the last error, cut to the column.</summary>
    public static string Describe(Exception exception) => MailFailures.Describe(exception, Notification.MaxLastErrorLength);

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
