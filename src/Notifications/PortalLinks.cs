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
