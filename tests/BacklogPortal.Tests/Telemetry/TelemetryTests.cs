using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Net;
using BacklogPortal.Data;
using BacklogPortal.Domain;
using BacklogPortal.EtaChanges;
using BacklogPortal.Telemetry;
using BacklogPortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BacklogPortal.Tests.Telemetry;

public sealed class TelemetryTests
{
    [Fact]
    public Task AnEtaChangeIsCountedBySourceAndItsWaitingEmailsShowInTheOutboxGaugesAndOnTheScrapeEndpoint() => WithPortalAsync(new()
    {
        // The composer does not run, so the change's outbox entries stay waiting for the gauges to see.
        ["Notifications:BackgroundProcessing"] = "false",
        ["Telemetry:PrometheusEndpoint"] = "true",
    }, async factory =>
    {
        var client = factory.CreatePortalClient();
        var changes = new ConcurrentQueue<(long Lines, string? Source)>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == PortalMetrics.MeterName && instrument.Name == "portal.eta_changes")
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
            changes.Enqueue((value, tags.ToArray().SingleOrDefault(t => t.Key == "source").Value as string)));
        listener.Start();
        var (sku, openLines) = await SkuWithOpenLinesAsync(factory);
        var gauges = factory.Services.GetRequiredService<OutboxGauges>();
        var before = await gauges.SampleAsync();

        var result = await factory.Services.GetRequiredService<EtaChangeService>().ChangeAsync(new EtaChangeRequest(
            EtaChangeTarget.ForSku(sku), DateOnly.FromDateTime(DateTime.UtcNow).AddDays(211), EtaReasonCode.SupplierDelay, null, ChangeSource.Api, "telemetry-test"));

        Assert.Equal(EtaChangeOutcome.Changed, result.Outcome);
        Assert.Equal(openLines, result.LinesChanged);
        // Other test classes change ETAs in parallel on the same static instrument: look for this change's own measurement.
        Assert.Contains(((long)openLines, "api"), changes);
        var after = await gauges.SampleAsync();
        Assert.True(after.Depth >= before.Depth + 1, $"depth {before.Depth} -> {after.Depth}");
        Assert.True(after.OldestPendingAge >= TimeSpan.Zero);

        var scrape = await client.GetStringAsync("/metrics");
        Assert.Matches("portal_eta_changes_total\\{[^}]*source=\"api\"", scrape);
        Assert.Contains("portal_outbox_depth", scrape);
        Assert.Contains("portal_circuits_active", scrape);
    });

    [Fact]
    public Task AnEmailAcceptedBySmtpIsCountedWithItsSendTime() => WithPortalAsync(new() { ["Notifications:CoalesceWindow"] = "00:00:00" }, async factory =>
    {
        var sent = new ConcurrentQueue<string>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == PortalMetrics.MeterName && instrument.Name is "portal.emails.sent" or "portal.smtp.send.duration")
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((instrument, _, _, _) => sent.Enqueue(instrument.Name));
        listener.SetMeasurementEventCallback<double>((instrument, value, _, _) => sent.Enqueue(value >= 0 ? instrument.Name : "negative duration"));
        listener.Start();
        var (sku, _) = await SkuWithOpenLinesAsync(factory);

        await factory.Services.GetRequiredService<EtaChangeService>().ChangeAsync(new EtaChangeRequest(
            EtaChangeTarget.ForSku(sku), DateOnly.FromDateTime(DateTime.UtcNow).AddDays(223), EtaReasonCode.Production, null, ChangeSource.Staff, "telemetry-test"));
        await factory.Smtp.WaitForMessageAsync(m => (m.Subject ?? "").Contains("delivery date", StringComparison.OrdinalIgnoreCase));

        // Counted right after the server's answer, on the dispatcher's thread: wait for it rather than race it.
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (!(sent.Contains("portal.emails.sent") && sent.Contains("portal.smtp.send.duration")))
        {
            await Task.Delay(10, timeout.Token);
        }
        Assert.DoesNotContain("negative duration", sent);
    });

    [Fact]
    public Task TheScrapeEndpointIsOffUnlessConfigured() => WithPortalAsync(new()
    {
        ["Notifications:BackgroundProcessing"] = "false",
        // On in appsettings.Development.json (the test host's environment); off is the default everywhere else.
        ["Telemetry:PrometheusEndpoint"] = "false",
    }, async factory =>
    {
        var response = await factory.CreatePortalClient().GetAsync("/metrics");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    });

    private static async Task WithPortalAsync(Dictionary<string, string?> settings, Func<PortalAppFactory, Task> test)
    {
        var factory = new SettingsFactory(settings);
        try
        {
            await test(factory);
        }
        finally
        {
            await ((IAsyncLifetime)factory).DisposeAsync();
        }
    }

    private static async Task<(string Sku, int OpenLines)> SkuWithOpenLinesAsync(PortalAppFactory factory)
    {
        await using var db = await factory.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
        var sku = await db.OrderLines.Where(LineRules.IsOpen).GroupBy(l => l.Product!.Sku)
            .OrderByDescending(g => g.Count()).Select(g => g.Key).FirstAsync();
        return (sku, await db.OrderLines.Where(LineRules.IsOpen).CountAsync(l => l.Product!.Sku == sku));
    }

    private sealed class SettingsFactory(Dictionary<string, string?> settings) : PortalAppFactory
    {
        protected override IDictionary<string, string?> Settings => settings;
    }
}
