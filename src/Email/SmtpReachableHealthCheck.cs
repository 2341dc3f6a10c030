using System.Net.Sockets;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace BacklogPortal.Email;

/// <summary>
/// Ready only while the configured SMTP server accepts a TCP connection (no SMTP dialogue: the check must
/// not count against the server's limits or fill its logs). Healthy when no SMTP server is configured:
/// emails then go to the pickup folder.
/// </summary>
public sealed class SmtpReachableHealthCheck(IOptions<EmailOptions> options) : IHealthCheck
{
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(3);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var email = options.Value;
        if (!email.UsesSmtp)
        {
            return HealthCheckResult.Healthy("No SMTP server configured: emails go to the pickup folder.");
        }
        var host = email.Smtp.Host!;
        var port = email.Smtp.EffectivePort;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(ConnectTimeout);
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(host, port, timeout.Token);
            return HealthCheckResult.Healthy($"SMTP server {host}:{port} accepts connections.");
        }
        catch (Exception exception) when (exception is SocketException or OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy($"SMTP server {host}:{port} cannot be reached: {exception.Message}");
        }
    }
}
