using System.Diagnostics.Metrics;
using BacklogPortal.Data.Demo;
using BacklogPortal.EndToEnd.Infrastructure;
using BacklogPortal.Telemetry;

namespace BacklogPortal.EndToEnd.Hosting;

/// <summary>
/// <c>portal.circuits.paused</c> follows the real pause and resume of a tab: the browser calls the same
/// <c>Blazor.pauseCircuit()</c> / <c>Blazor.resumeCircuit()</c> that wwwroot/circuit-idle.js calls after
/// <c>Portal:CircuitIdleTimeout</c> (decision 013), without waiting five minutes for it.
/// </summary>
public sealed class CircuitPauseTests(PortalServer server) : PortalTest(server)
{
    [Fact]
    public Task APausedTabCountsAsPausedUntilItResumes() => InBrowserAsync(async page =>
    {
        await page.SignInAsync(DemoDataSeeder.AliceEmail, DemoDataSeeder.Password);
        await page.WaitForInteractiveAsync("backlog-page");
        var before = PausedGauge();

        Assert.True(await page.EvaluateAsync<bool>("() => Blazor.pauseCircuit()"), "the circuit did not pause");
        await WaitForGaugeAsync(before + 1);

        Assert.True(await page.EvaluateAsync<bool>("() => Blazor.resumeCircuit()"), "the circuit did not resume");
        await WaitForGaugeAsync(before);
        // The resumed circuit serves the same page.
        await page.WaitForInteractiveAsync("backlog-page");
        await Expect(page.BacklogRows().First).ToBeVisibleAsync();
    });

    /// <summary>The gauge as an exporter reads it: through a <see cref="MeterListener"/> on the portal's meter.</summary>
    private static long PausedGauge()
    {
        long? value = null;
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == PortalMetrics.MeterName && instrument.Name == "portal.circuits.paused")
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<int>((_, measurement, _, _) => value = measurement);
        listener.Start();
        listener.RecordObservableInstruments();
        return value ?? throw new InvalidOperationException("The portal publishes no portal.circuits.paused gauge.");
    }

    private static async Task WaitForGaugeAsync(long expected)
    {
        // The pause is counted on the server while it persists the state, the resume when the new circuit restores it.
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (PausedGauge() != expected)
        {
            await Task.Delay(50, timeout.Token);
        }
    }
}
