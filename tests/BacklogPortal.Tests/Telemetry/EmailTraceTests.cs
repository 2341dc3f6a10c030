using System.Collections.Concurrent;
using System.Diagnostics;
using BacklogPortal.Domain;
using BacklogPortal.Telemetry;
using BacklogPortal.Tests.Infrastructure;
using BacklogPortal.Tests.Notifications;

namespace BacklogPortal.Tests.Telemetry;

/// <summary>
/// The trace from an ETA change to its email's send (decision 014), through the real write path, composer and
/// dispatcher to the in-process SMTP server. Spans are collected by an <see cref="ActivityListener"/>; other test
/// classes record on the same static source at the same time, so every span is found by its ids, never by name alone.
/// </summary>
public sealed class EmailTraceTests(NotificationAppFactory factory) : IClassFixture<NotificationAppFactory>, IDisposable
{
    // Each change runs inside a span of the test's own, so that its EtaChange span can be told apart from other tests'.
    private const string TestSourceName = "BacklogPortal.Tests.EmailTraces";

    private static readonly ActivitySource TestSource = new(TestSourceName);

    private readonly ConcurrentQueue<Activity> stopped = new();
    private readonly ActivityListener listener = new();

    [Fact]
    public async Task TheSendSpanOfAnEmailIsTheChildOfItsComposeSpanWhichLinksToTheEtaChange()
    {
        Listen();
        var customer = await factory.CreateCustomerAsync(lines: 1);
        var line = customer.Lines[0];

        var change = await ChangeInOwnTraceAsync(line.Id, line.Eta!.Value.AddDays(14));
        factory.PassCoalesceWindow();
        await factory.ComposeAndDispatchAsync();

        // The write path stored the EtaChange span's own context on the outbox entry.
        var entry = Assert.Single(await factory.OutboxForAsync(customer.Id));
        Assert.Equal(change.Id, entry.TraceParent);
        Assert.Single(factory.Smtp.MessagesTo(customer.Email));
        var notification = Assert.Single(await factory.NotificationsForAsync(customer.Id));
        Assert.Equal(NotificationStatus.Sent, notification.Status);

        var compose = SpanOf("ComposeEmail", notification.Id);
        var link = Assert.Single(compose.Links);
        Assert.Equal(change.TraceId, link.Context.TraceId);
        Assert.Equal(change.SpanId, link.Context.SpanId);
        Assert.Equal(compose.Id, notification.TraceParent);
        Assert.Equal("composed", compose.GetTagItem("portal.compose.outcome"));

        var send = SpanOf("SendEmail", notification.Id);
        Assert.Equal(compose.TraceId, send.TraceId);
        Assert.Equal(compose.SpanId, send.ParentSpanId);
        Assert.Equal(ActivityKind.Client, send.Kind);
        Assert.Equal("sent", send.GetTagItem("portal.email.outcome"));
        Assert.Equal(1, send.GetTagItem("portal.email.attempt"));
        Assert.Equal(ActivityStatusCode.Unset, send.Status);
    }

    [Fact]
    public async Task ACoalescedEmailLinksToEveryChangeItCovers()
    {
        Listen();
        var customer = await factory.CreateCustomerAsync(lines: 3);

        var changes = new List<Activity>();
        foreach (var line in customer.Lines)
        {
            changes.Add(await ChangeInOwnTraceAsync(line.Id, line.Eta!.Value.AddDays(9)));
            factory.Clock.Advance(TimeSpan.FromSeconds(10));
        }
        factory.PassCoalesceWindow();
        await factory.ComposeAndDispatchAsync();

        var notification = Assert.Single(await factory.NotificationsForAsync(customer.Id));
        var compose = SpanOf("ComposeEmail", notification.Id);
        // Three changes in three traces: three distinct trace ids, each linked by its own span.
        Assert.Equal(3, changes.Select(c => c.TraceId).Distinct().Count());
        Assert.Equal(
            changes.Select(c => $"{c.TraceId}-{c.SpanId}").Order(),
            compose.Links.Select(l => $"{l.Context.TraceId}-{l.Context.SpanId}").Order());
        Assert.Equal(3, compose.GetTagItem("portal.compose.traced_changes"));
        Assert.Equal(compose.SpanId, SpanOf("SendEmail", notification.Id).ParentSpanId);
    }

    [Fact]
    public async Task AFailedAttemptIsAnErrorSpanAndTheRetryIsASecondChildOfTheSameComposeSpan()
    {
        Listen();
        var customer = await factory.CreateCustomerAsync(lines: 1);
        var line = customer.Lines[0];
        await ChangeInOwnTraceAsync(line.Id, line.Eta!.Value.AddDays(20));
        factory.PassCoalesceWindow();

        // One transient 4xx for this recipient, then acceptance after the backoff.
        factory.Smtp.Script(customer.Email, SmtpFault.Reply(451, "Try again later"));
        await factory.ComposeAndDispatchAsync();
        var retrying = Assert.Single(await factory.NotificationsForAsync(customer.Id));
        Assert.Equal(NotificationStatus.Retrying, retrying.Status);
        factory.Clock.Advance(retrying.NextAttemptAt - factory.Clock.GetUtcNow());
        await factory.Dispatcher.DispatchDueAsync();

        var notification = Assert.Single(await factory.NotificationsForAsync(customer.Id));
        Assert.Equal(NotificationStatus.Sent, notification.Status);
        var compose = SpanOf("ComposeEmail", notification.Id);
        var sends = Spans("SendEmail", notification.Id).OrderBy(s => s.StartTimeUtc).ToList();
        Assert.Equal(2, sends.Count);
        Assert.All(sends, s => Assert.Equal(compose.SpanId, s.ParentSpanId));
        Assert.Equal("retry", sends[0].GetTagItem("portal.email.outcome"));
        Assert.Equal(ActivityStatusCode.Error, sends[0].Status);
        Assert.Contains("451", sends[0].StatusDescription);
        Assert.Equal(1, sends[0].GetTagItem("portal.email.attempt"));
        Assert.Equal("sent", sends[1].GetTagItem("portal.email.outcome"));
        Assert.Equal(ActivityStatusCode.Unset, sends[1].Status);
        Assert.Equal(2, sends[1].GetTagItem("portal.email.attempt"));
    }

    private void Listen()
    {
        // By name: comparing with TestSource would create it (static field) while the listener is being added, unheard.
        listener.ShouldListenTo = source => source.Name is PortalMetrics.MeterName or TestSourceName;
        listener.Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded;
        listener.ActivityStopped = stopped.Enqueue;
        ActivitySource.AddActivityListener(listener);
    }

    /// <summary>Changes one line inside a root span of the test's own and returns the EtaChange span the change recorded.</summary>
    private async Task<Activity> ChangeInOwnTraceAsync(int lineId, DateOnly newEta)
    {
        ActivityContext root;
        using (var test = TestSource.StartActivity("test change", ActivityKind.Internal, parentContext: default))
        {
            Assert.NotNull(test);
            root = test.Context;
            await factory.ChangeEtaAsync(lineId, newEta);
        }
        return Assert.Single(stopped, a => a.OperationName == "EtaChange" && a.TraceId == root.TraceId && a.ParentSpanId == root.SpanId);
    }

    private Activity SpanOf(string name, long notificationId) => Assert.Single(Spans(name, notificationId));

    private IEnumerable<Activity> Spans(string name, long notificationId) =>
        stopped.Where(a => a.OperationName == name && a.Source.Name == PortalMetrics.MeterName
            && a.GetTagItem("portal.notification.id") is long id && id == notificationId);

    public void Dispose() => listener.Dispose();
}
