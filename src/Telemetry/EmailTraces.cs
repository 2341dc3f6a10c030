using System.Diagnostics;

namespace BacklogPortal.Telemetry;

/// <summary>
/// The trace of an ETA change to its email (decision 014). The three steps run in different transactions, loops and
/// possibly instances, so the context travels in the database: the write path stores its span's W3C
/// <c>traceparent</c> on each outbox entry, the composer's <c>ComposeEmail</c> span links to the contexts of every
/// entry its email covers (one email may cover many changes, so they are links, not a parent) and stores its own
/// context on the notification, and each <c>SendEmail</c> span is a child of that.
/// <para>
/// Cheap when nobody listens: <see cref="ActivitySource.HasListeners"/> is checked before any context is parsed, and
/// the write path only reads <see cref="Activity.Current"/>'s id once per statement.
/// </para>
/// </summary>
public static class EmailTraces
{
    /// <summary>
    /// Links per <c>ComposeEmail</c> span at most: OpenTelemetry's default span link limit, beyond which an exporter
    /// drops them anyway. A bulk change stores one context on all its entries, so distinct contexts are few.
    /// </summary>
    public const int MaxLinksPerEmail = 128;

    /// <summary>
    /// The context to store beside a row written now: the current span's <c>traceparent</c>, or null outside a trace
    /// (or for a legacy hierarchical id, which no collector could follow).
    /// </summary>
    public static string? CurrentTraceParent() => TraceParentOf(Activity.Current);

    internal static string? TraceParentOf(Activity? activity) =>
        activity is { IdFormat: ActivityIdFormat.W3C } && activity.Id is { Length: <= NotificationOutboxEntry.MaxTraceParentLength } id ? id : null;

    /// <summary>
    /// One <c>SendEmail</c> span for one attempt, child of the context stored on the notification (a root span when
    /// there is none); null when nobody listens. Started right before the hand-off to the SMTP server, so its
    /// duration is the SMTP time. End it with <see cref="EndSend"/>.
    /// </summary>
    public static Activity? StartSend(Notification notification)
    {
        if (!PortalMetrics.Activities.HasListeners())
        {
            return null;
        }
        var parent = notification.TraceParent is { } stored && ActivityContext.TryParse(stored, null, isRemote: true, out var context)
            ? context
            : default;
        // With no stored context the span must not become the child of whatever is current on this thread.
        Activity.Current = null;
        return PortalMetrics.Activities.StartActivity(ActivityKind.Client, parent, name: "SendEmail")
            ?.SetTag("portal.notification.id", notification.Id)
            .SetTag("portal.notification.kind", notification.Kind.ToString())
            .SetTag("portal.email.attempt", notification.Attempts + 1);
    }

    /// <summary>Ends a <see cref="StartSend"/> span: <c>sent</c>, <c>retry</c>, <c>failed</c> or <c>released</c> (the server was away), with the error.</summary>
    public static void EndSend(Activity? span, string outcome, string? error = null)
    {
        if (span is null)
        {
            return;
        }
        span.SetTag("portal.email.outcome", outcome);
        if (error is not null)
        {
            span.SetStatus(ActivityStatusCode.Error, error);
        }
        span.Dispose();
    }

    /// <summary>Parses stored contexts into at most <see cref="MaxLinksPerEmail"/> distinct links; returns the number of distinct contexts too.</summary>
    internal static (List<ActivityLink> Links, int Contexts) LinksTo(IEnumerable<string?> traceParents)
    {
        var links = new List<ActivityLink>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var traceParent in traceParents)
        {
            if (traceParent is not null && seen.Add(traceParent) && links.Count < MaxLinksPerEmail
                && ActivityContext.TryParse(traceParent, null, isRemote: true, out var context))
            {
                links.Add(new ActivityLink(context));
            }
        }
        return (links, seen.Count);
    }
}

/// <summary>
/// The <c>ComposeEmail</c> spans of one composer transaction: one per email, linked to the changes it covers, kept
/// open until the transaction ends so that they carry the notification's id and whether it was committed (another
/// instance may have composed the same entries, and then this email never existed).
/// </summary>
public sealed class ComposeSpans : IDisposable
{
    private List<(Activity Span, Notification Notification)>? open;
    private bool committed;

    /// <summary>
    /// Starts the span of one customer's email, linked to the stored contexts of the entries it covers (enumerated
    /// only when someone listens); null when nobody listens.
    /// </summary>
    public static Activity? Start(int customerId, IEnumerable<string?> coalescedTraceParents)
    {
        if (!PortalMetrics.Activities.HasListeners())
        {
            return null;
        }
        var (links, contexts) = EmailTraces.LinksTo(coalescedTraceParents);
        var ambient = Activity.Current;
        var span = PortalMetrics.Activities.StartActivity(ActivityKind.Internal, ambient?.Context ?? default, links: links, name: "ComposeEmail");
        // One transaction composes many customers: their spans are siblings, so the next one must not start inside this one.
        Activity.Current = ambient;
        return span?.SetTag("portal.customer.id", customerId)
            .SetTag("portal.compose.traced_changes", contexts)
            .SetTag("portal.compose.links_dropped", Math.Max(0, contexts - links.Count));
    }

    /// <summary>Stores the span's context on the email it composed (for its <c>SendEmail</c> spans) and keeps the span open until <see cref="Dispose"/>.</summary>
    public void Carry(Activity? span, Notification notification)
    {
        if (span is null)
        {
            return;
        }
        notification.TraceParent = EmailTraces.TraceParentOf(span);
        (open ??= []).Add((span, notification));
    }

    public void Committed() => committed = true;

    public void Dispose()
    {
        foreach (var (span, notification) in open ?? [])
        {
            span.SetTag("portal.notification.id", notification.Id)
                .SetTag("portal.notification.status", notification.Status.ToString())
                .SetTag("portal.compose.outcome", committed ? "composed" : "rolled back");
            if (notification.Status == NotificationStatus.Failed)
            {
                span.SetStatus(ActivityStatusCode.Error, notification.LastError);
            }
            span.Dispose();
        }
        open = null;
    }
}
