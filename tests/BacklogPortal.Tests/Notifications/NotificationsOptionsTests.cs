using BacklogPortal.Tests.Infrastructure;

namespace BacklogPortal.Tests.Notifications;

public sealed class NotificationsOptionsTests
{
    private sealed class MisconfiguredFactory(string key, string value) : PortalAppFactory
    {
        protected override IDictionary<string, string?> Settings => new Dictionary<string, string?> { [key] = value };
    }

    [Theory]
    [InlineData("Notifications:CoalesceWindow", "-00:01:00")]
    [InlineData("Notifications:PollInterval", "00:00:00")]
    [InlineData("Notifications:MaxAttempts", "0")]
    [InlineData("Notifications:LeaseDuration", "00:00:00.500")]
    [InlineData("Notifications:SmtpConnections", "0")]
    [InlineData("Notifications:DigestTimeOfDay", "1.00:00:00")]
    public async Task AnInvalidSettingStopsTheStartWithAMessageNamingTheKey(string key, string value)
    {
        IAsyncLifetime factory = new MisconfiguredFactory(key, value);
        try
        {
            var exception = Assert.ThrowsAny<Exception>(() => ((MisconfiguredFactory)factory).Services);

            Assert.Contains(key, exception.ToString());
        }
        finally
        {
            await factory.DisposeAsync();
        }
    }

    [Fact]
    public async Task ALeaseShorterThanTwoSmtpTimeoutsStopsTheStartWithAMessageNamingBothKeys()
    {
        IAsyncLifetime factory = new ShortLeaseFactory();
        try
        {
            var exception = Assert.ThrowsAny<Exception>(() => ((ShortLeaseFactory)factory).Services);

            Assert.Contains("Notifications:LeaseDuration", exception.ToString());
            Assert.Contains("Email:Smtp:Timeout", exception.ToString());
        }
        finally
        {
            await factory.DisposeAsync();
        }
    }

    private sealed class ShortLeaseFactory : PortalAppFactory
    {
        protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
        {
            ["Notifications:LeaseDuration"] = "00:00:30",
            ["Email:Smtp:Timeout"] = "00:00:20",
        };
    }
}
