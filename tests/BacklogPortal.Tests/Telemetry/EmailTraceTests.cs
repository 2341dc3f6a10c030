using System.Collections.Concurrent;
using System.Diagnostics;
using BacklogPortal.Domain;
using BacklogPortal.Fulfilment;
using BacklogPortal.Telemetry;
using BacklogPortal.Tests.Infrastructure;
using BacklogPortal.Tests.Notifications;
using Microsoft.Extensions.DependencyInjection;

namespace BacklogPortal.Tests.Telemetry;

/// <summary>
/// The trace from an ETA change to its email's send (decision 014), through the real write path, composer and
/// dispatcher to the in-process SMTP server. Spans are collected by an <see cref="ActivityListener"/>; other test
/// classes record on the same static source at the same time (with the same notification ids, in databases of their
/// own), so every span is found by the trace of the change the test made, never by name or notification id alone.
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

        var compose = ComposeLinkedTo(change);
        Assert.Equal(notification.Id, compose.GetTagItem("portal.notification.id"));
        var link = Assert.Single(compose.Links);
        Assert.Equal(change.TraceId, link.Context.TraceId);
        Assert.Equal(change.SpanId, link.Context.SpanId);
        Assert.Equal(compose.Id, notification.TraceParent);
        Assert.Equal("composed", compose.GetTagItem("portal.compose.outcome"));

        var send = Assert.Single(SendsIn(compose));
        Assert.Equal(compose.SpanId, send.ParentSpanId);
        Assert.Equal(notification.Id, send.GetTagItem("portal.notification.id"));
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
        var compose = ComposeLinkedTo(changes[0]);
        Assert.Equal(notification.Id, compose.GetTagItem("portal.notification.id"));
        // Three changes in three traces: three distinct trace ids, each linked by its own span.
        Assert.Equal(3, changes.Select(c => c.TraceId).Distinct().Count());
        Assert.Equal(
            changes.Select(c => $"{c.TraceId}-{c.SpanId}").Order(),
            compose.Links.Select(l => $"{l.Context.TraceId}-{l.Context.SpanId}").Order());
        Assert.Equal(3, compose.GetTagItem("portal.compose.traced_changes"));
        Assert.Equal(compose.SpanId, Assert.Single(SendsIn(compose)).ParentSpanId);
    }

    [Fact]
    public async Task AFailedAttemptIsAnErrorSpanAndTheRetryIsASecondChildOfTheSameComposeSpan()
    {
        Listen();
        var customer = await factory.CreateCustomerAsync(lines: 1);
        var line = customer.Lines[0];
        var change = await ChangeInOwnTraceAsync(line.Id, line.Eta!.Value.AddDays(20));
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
        var compose = ComposeLinkedTo(change);
        var sends = SendsIn(compose).OrderBy(s => s.StartTimeUtc).ToList();
        Assert.Equal(2, sends.Count);
        Assert.All(sends, s => Assert.Equal(compose.SpanId, s.ParentSpanId));
        Assert.All(sends, s => Assert.Equal(notification.Id, s.GetTagItem("portal.notification.id")));
        Assert.Equal("retry", sends[0].GetTagItem("portal.email.outcome"));
        Assert.Equal(ActivityStatusCode.Error, sends[0].Status);
        Assert.Contains("451", sends[0].StatusDescription);
        Assert.Equal(1, sends[0].GetTagItem("portal.email.attempt"));
        Assert.Equal("sent", sends[1].GetTagItem("portal.email.outcome"));
        Assert.Equal(ActivityStatusCode.Unset, sends[1].Status);
        Assert.Equal(2, sends[1].GetTagItem("portal.email.attempt"));
    }

    [Fact]
    public async Task AShipmentsOutboxEntryCarriesTheContextOfTheRequestThatRecordedIt()
    {
        Listen();
        var customer = await factory.CreateCustomerAsync(lines: 1);
        var line = customer.Lines[0];
        var fulfilment = factory.Services.GetRequiredService<LineFulfilmentService>();

        string? recordedIn;
        using (var request = TestSource.StartActivity("test shipment", ActivityKind.Server, parentContext: default))
        {
            Assert.NotNull(request);
            recordedIn = request.Id;
            var result = await fulfilment.RecordShipmentAsync(new ShipmentRequest(
                line.Id, null, 1, factory.Today(), null, null, ChangeSource.Staff, "staff@example.com"));
            Assert.Equal(FulfilmentOutcome.Recorded, result.Outcome);
        }

        var entry = Assert.Single(await factory.OutboxForAsync(customer.Id));
        Assert.Equal(NotificationKind.ShipmentRecorded, entry.Kind);
        Assert.Equal(recordedIn, entry.TraceParent);
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

    // Notification ids repeat across the test classes' databases; a change's span id does not.
    private Activity ComposeLinkedTo(Activity change) => Assert.Single(stopped, a =>
        a.OperationName == "ComposeEmail" && a.Links.Any(l => l.Context.TraceId == change.TraceId && l.Context.SpanId == change.SpanId));

    private IEnumerable<Activity> SendsIn(Activity compose) =>
        stopped.Where(a => a.OperationName == "SendEmail" && a.TraceId == compose.TraceId);

    public void Dispose() => listener.Dispose();
}
