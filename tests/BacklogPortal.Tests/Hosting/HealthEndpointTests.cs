using System.Net;
using BacklogPortal.Data;
using BacklogPortal.Domain;
using BacklogPortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BacklogPortal.Tests.Hosting;

public sealed class HealthEndpointTests
{
    [Fact]
    public Task AHealthyPortalIsAliveReadyAndItsDatabaseAnswers() => WithPortalAsync(new PortalAppFactory(), async factory =>
    {
        var client = factory.CreatePortalClient();

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/live")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/ready")).StatusCode);
    });

    [Fact]
    public Task AnUnreachableSmtpServerMakesTheInstanceNotReadyButStillAlive() => WithPortalAsync(new SettingsFactory(new()
    {
            // A port nobody listens on.
            ["Email:Smtp:Port"] = TestSmtpServer.FreeTcpPort().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Notifications:BackgroundProcessing"] = "false",
    }), async factory =>
    {
        var client = factory.CreatePortalClient();

        var ready = await client.GetAsync("/health/ready");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/live")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health")).StatusCode);
    });

    [Fact]
    public Task AnEmailDueForLongerThanTheThresholdMakesTheInstanceNotReady() => WithPortalAsync(new SettingsFactory(new()
    {
        ["Notifications:BackgroundProcessing"] = "false",
        ["Notifications:ReadyLagThreshold"] = "00:10:00",
    }), async factory =>
    {
        var client = factory.CreatePortalClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/ready")).StatusCode);

        await AddDueEmailAsync(factory, dueSince: TimeSpan.FromMinutes(5));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/ready")).StatusCode);

        await AddDueEmailAsync(factory, dueSince: TimeSpan.FromMinutes(11));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await client.GetAsync("/health/ready")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/live")).StatusCode);
    });

    private static async Task WithPortalAsync(PortalAppFactory factory, Func<PortalAppFactory, Task> test)
    {
        try
        {
            await test(factory);
        }
        finally
        {
            await ((IAsyncLifetime)factory).DisposeAsync();
        }
    }

    private static async Task AddDueEmailAsync(PortalAppFactory factory, TimeSpan dueSince)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        await using var db = await scope.ServiceProvider.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
        var customerId = await db.Customers.Select(c => c.Id).FirstAsync();
        var since = DateTimeOffset.UtcNow - dueSince;
        db.Notifications.Add(new Notification
        {
            CustomerId = customerId,
            Kind = NotificationKind.EtaChanged,
            ToAddress = "waiting@example.com",
            Subject = "New delivery date",
            Body = new NotificationBody { HtmlBody = "<p>x</p>", TextBody = "x" },
            CreatedAt = since,
            NextAttemptAt = since,
        });
        await db.SaveChangesAsync();
    }

    private sealed class SettingsFactory(Dictionary<string, string?> settings) : PortalAppFactory
    {
        protected override IDictionary<string, string?> Settings => settings;
    }
}
