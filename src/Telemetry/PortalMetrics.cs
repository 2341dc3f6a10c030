using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace BacklogPortal.Telemetry;

/// <summary>
/// The portal's own instruments, under one meter name and one activity source that the OpenTelemetry set-up
/// (<see cref="TelemetryExtensions"/>) exports. Features record what happened here, in business words; whether and
/// where it is exported is configuration only.
/// <para>
/// Events (an ETA change, an email sent) are counted on static instruments, so the write path and the dispatcher
/// record them without a dependency threaded through every constructor and every bench host; values that belong to
/// one running portal (its outbox, its circuits) are gauges created per host in <see cref="PortalGauges"/>.
/// </para>
/// </summary>
public static class PortalMetrics
{
    public const string MeterName = "BacklogPortal";

    /// <summary>Spans of the portal's own work: an ETA change, a composed notice, an email handed to SMTP.</summary>
    public static readonly ActivitySource Activities = new(MeterName);

    private static readonly Meter Events = new(MeterName);

    private static readonly Counter<long> EtaChanges = Events.CreateCounter<long>(
        "portal.eta_changes", "{line}", "Order lines whose ETA changed, by source (staff, import, api, system).");

    private static readonly Counter<long> EmailsSent = Events.CreateCounter<long>(
        "portal.emails.sent", "{email}", "Emails the SMTP server accepted.");

    private static readonly Counter<long> EmailsRetried = Events.CreateCounter<long>(
        "portal.emails.retried", "{email}", "Attempts that failed transiently and will be retried.");

    private static readonly Counter<long> EmailsFailed = Events.CreateCounter<long>(
        "portal.emails.failed", "{email}", "Emails given up: a permanent failure or the last attempt.");

    private static readonly Histogram<double> SmtpSendDuration = Events.CreateHistogram<double>(
        "portal.smtp.send.duration", "s", "Time from handing an email to the SMTP server to its answer.");

    public static void EtaChanged(ChangeSource source, int lines)
    {
        if (lines > 0)
        {
            EtaChanges.Add(lines, new KeyValuePair<string, object?>("source", source.ToString().ToLowerInvariant()));
        }
    }

    public static void EmailSent(TimeSpan smtpDuration)
    {
        EmailsSent.Add(1);
        SmtpSendDuration.Record(smtpDuration.TotalSeconds);
    }

    public static void EmailRetried() => EmailsRetried.Add(1);

    public static void EmailFailed() => EmailsFailed.Add(1);
}

/// <summary>The gauges of one running portal: its outbox (sampled by <see cref="OutboxGauges"/>) and its circuits.</summary>
public sealed class PortalGauges
{
    public PortalGauges(IMeterFactory meterFactory, OutboxGauges outbox, Hosting.CircuitGate circuits, Hosting.CircuitPauses pauses)
    {
        var meter = meterFactory.Create(PortalMetrics.MeterName);
        meter.CreateObservableGauge("portal.outbox.depth", () => outbox.Latest.Depth, "{email}",
            "Emails not sent yet: outbox entries waiting for the composer, and composed emails pending or retrying (sampled).");
        meter.CreateObservableGauge("portal.outbox.oldest_pending_age", () => outbox.Latest.OldestPendingAge.TotalSeconds, "s",
            "How long the oldest unsent email has waited since it was queued (sampled).");
        meter.CreateObservableGauge("portal.circuits.active", () => circuits.OpenCount, "{circuit}",
            "Interactive connections (browser tabs) open on this instance.");
        meter.CreateObservableGauge("portal.circuits.paused", () => pauses.Count, "{circuit}",
            "Circuits of idle tabs paused on this instance (state held by the browser) that can still resume.");
    }
}
