using BacklogPortal.Hosting;

namespace BacklogPortal.Notifications;

/// <summary>Links into the portal from emails, all starting at <c>Portal:PublicBaseUrl</c>.</summary>
public sealed class PortalLinks(string publicBaseUrl)
{
    private readonly string baseUrl = publicBaseUrl.TrimEnd('/');

    /// <summary>The host for Message-IDs and calendar UIDs, e.g. "portal.example.com".</summary>
    public string Host { get; } = new Uri(publicBaseUrl).IdnHost;

    public string Backlog => $"{baseUrl}/backlog";

    public string Settings => $"{baseUrl}/settings/notifications";

    public string Order(string orderNumber) => $"{baseUrl}/orders/{Uri.EscapeDataString(orderNumber)}";

    public string Respond(string orderNumber, int lineId, string response) => $"{Order(orderNumber)}?line={lineId}&respond={response}";

    /// <summary>The stable Message-ID of a notification (without angle brackets): a resend is recognisably the same email.</summary>
    public string MessageId(long notificationId) => $"notification-{notificationId}@{Host}";
}

/// <summary>
/// Warns at start when <c>Portal:PublicBaseUrl</c> is left at its default outside Development: every
/// link in every email (accept, cancel, confirm an address, reset a password) would lead to
/// localhost, wherever the portal really listens.
/// </summary>
public sealed class PublicBaseUrlCheck(IOptions<PortalOptions> portal, IHostEnvironment environment, ILogger<PublicBaseUrlCheck> logger) : IHostedService
{
    public static readonly string DefaultPublicBaseUrl = new PortalOptions().PublicBaseUrl;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (IsLeftAtDefault(portal.Value, environment))
        {
            logger.LogWarning(
                "Portal:PublicBaseUrl is left at its default {Default} in the {Environment} environment: links in emails lead there, not to where the portal listens. Set Portal:PublicBaseUrl to the address customers use.",
                DefaultPublicBaseUrl, environment.EnvironmentName);
        }
        return Task.CompletedTask;
    }

    public static bool IsLeftAtDefault(PortalOptions portal, IHostEnvironment environment) =>
        !environment.IsDevelopment()
        && string.Equals(portal.PublicBaseUrl.TrimEnd('/'), DefaultPublicBaseUrl.TrimEnd('/'), StringComparison.OrdinalIgnoreCase);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
