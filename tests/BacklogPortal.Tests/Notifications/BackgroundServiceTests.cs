using BacklogPortal.Domain;
using BacklogPortal.Tests.Infrastructure;

namespace BacklogPortal.Tests.Notifications;

/// <summary>The real loops with the real clock: a commit wakes them, long before any poll would.</summary>
public sealed class BackgroundServiceTests(BackgroundServiceTests.LiveFactory factory) : IClassFixture<BackgroundServiceTests.LiveFactory>
{
    public sealed class LiveFactory : PortalAppFactory
    {
        protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
        {
            ["Notifications:CoalesceWindow"] = "00:00:00",
            // Far longer than the test waits: only the signals can explain a prompt email.
            ["Notifications:PollInterval"] = "00:10:00",
            ["Notifications:OverdueScanInterval"] = "1.00:00:00",
        };
    }

    [Fact]
    public async Task AnEtaChangeReachesTheSmtpServerWithoutWaitingForAPoll()
    {
        var customer = await factory.CreateCustomerAsync(lines: 1);

        await factory.ChangeEtaAsync(customer.Lines[0].Id, customer.Lines[0].Eta!.Value.AddDays(14));

        var message = await factory.Smtp.WaitForMessageAsync(
            m => m.To.Mailboxes.Any(a => a.Address == customer.Email), TimeSpan.FromSeconds(20));
        Assert.Contains("14 days later", message.TextBody);
        Assert.Equal("text/calendar", message.Attachments.Single().ContentType.MimeType);
        await Eventually(async () => (await factory.NotificationsForAsync(customer.Id)).SingleOrDefault()?.Status == NotificationStatus.Sent);
    }

    private static async Task Eventually(Func<Task<bool>> condition)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (!await condition())
        {
            await Task.Delay(20, timeout.Token);
        }
    }
}
