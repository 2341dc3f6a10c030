using BacklogPortal.Domain;
using BacklogPortal.Fulfilment;
using BacklogPortal.Tests.Notifications;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BacklogPortal.Tests.Fulfilment;

/// <summary>
/// Shipments and cancellations of several lines through the real write path, on a real SQLite file, and what the
/// customer hears of them: the composer and dispatcher run by hand against the in-process SMTP server.
/// </summary>
public sealed class FulfilmentBatchTests(NotificationAppFactory factory) : IClassFixture<NotificationAppFactory>
{
    private LineFulfilmentService Service => factory.Services.GetRequiredService<LineFulfilmentService>();

    [Fact]
    public async Task TwoLinesShipInOneCallEachWithItsAuditRowEventAndOutboxEntry()
    {
        var customer = await factory.CreateCustomerAsync(lines: 2);
        var (first, second) = (customer.Lines[0], customer.Lines[1]);
        var versions = await VersionsAsync(customer);

        var result = await Service.RecordShipmentsAsync([
            new ShipmentRequest(first.Id, versions[first.Id], 3, factory.Today(), "DHL", "JD0012", ChangeSource.Staff, "staff@example.com"),
            new ShipmentRequest(second.Id, versions[second.Id], 2, factory.Today(), "DHL", "JD0012", ChangeSource.Staff, "staff@example.com"),
        ]);

        Assert.Equal(FulfilmentOutcome.Recorded, result.Outcome);
        // Line 1 ordered 3, line 2 ordered 6 (NotificationTestData): the first closes, the second stays open with 4.
        Assert.Equal([(LineStatus.Shipped, 0), (LineStatus.PartiallyShipped, 4)], result.Lines.Select(l => (l.Line.Status, l.Line.Open)).ToList());
        Assert.Equal("Shipped 5 units on 2 lines; 1 left the backlog, 1 stay open.", result.Message);
        await using var db = await factory.CreateDbContextAsync();
        var shipments = await db.LineShipments.AsNoTracking().Where(s => s.CustomerId == customer.Id).OrderBy(s => s.OrderLineId).ToListAsync();
        Assert.Equal([(first.Id, 3), (second.Id, 2)], shipments.Select(s => (s.OrderLineId, s.Quantity)).ToList());
        var outbox = await factory.OutboxForAsync(customer.Id);
        Assert.Equal(2, outbox.Count);
        Assert.All(outbox, e => Assert.Equal(NotificationKind.ShipmentRecorded, e.Kind));
        Assert.Equal(shipments.Select(s => (long?)s.Id).Order(), outbox.Select(e => e.LineShipmentId).Order());
        Assert.Equal(2, await db.IntegrationEvents.CountAsync(e => e.CustomerId == customer.Id && e.Type == IntegrationEventType.ShipmentRecorded));
    }

    [Fact]
    public async Task AStaleVersionOnOneLineAppliesNothingToAnyLine()
    {
        var customer = await factory.CreateCustomerAsync(lines: 2);
        var (first, second) = (customer.Lines[0], customer.Lines[1]);
        var versions = await VersionsAsync(customer);
        var before = await StateAsync(customer);

        var result = await Service.CancelOpenQuantitiesAsync([
            new CancellationRequest(first.Id, versions[first.Id], 3, "Discontinued", ChangeSource.Staff, "staff@example.com"),
            new CancellationRequest(second.Id, versions[second.Id] - 1, 6, "Discontinued", ChangeSource.Staff, "staff@example.com"),
        ]);

        Assert.Equal(FulfilmentOutcome.Conflict, result.Outcome);
        Assert.Equal(second.Id, result.ConflictLineId);
        Assert.Contains($"{customer.OrderNumber} line 2: changed by someone else", result.Message);
        Assert.Contains("Nothing was saved for any line", result.Message);
        // The first line was updated inside the transaction before the second failed its guard: rolled back too.
        Assert.Equal(before, await StateAsync(customer));
    }

    [Fact]
    public async Task MoreThanIsOpenOnOneLineIsInvalidAndNamesTheLine()
    {
        var customer = await factory.CreateCustomerAsync(lines: 2);
        var before = await StateAsync(customer);

        var result = await Service.RecordShipmentsAsync([
            new ShipmentRequest(customer.Lines[0].Id, null, 1, factory.Today(), null, null, ChangeSource.Api, "erp"),
            new ShipmentRequest(customer.Lines[1].Id, null, 7, factory.Today(), null, null, ChangeSource.Api, "erp"),
        ]);

        Assert.Equal(FulfilmentOutcome.Invalid, result.Outcome);
        var error = Assert.Single(result.Errors);
        Assert.Equal((customer.Lines[1].Id, "Quantity"), (error.LineId, error.Field));
        Assert.Equal($"{customer.OrderNumber} line 2: Only 6 of the line are open; 7 cannot be shipped.", error.Message);
        Assert.Equal(before, await StateAsync(customer));
    }

    [Fact]
    public async Task ALineNamedTwiceIsRefusedBeforeAnythingIsRead()
    {
        var customer = await factory.CreateCustomerAsync(lines: 1);
        var line = customer.Lines[0];

        var result = await Service.RecordShipmentsAsync([
            new ShipmentRequest(line.Id, null, 1, factory.Today(), null, null, ChangeSource.Api, "erp"),
            new ShipmentRequest(line.Id, null, 1, factory.Today(), null, null, ChangeSource.Api, "erp"),
        ]);

        Assert.Equal(FulfilmentOutcome.Invalid, result.Outcome);
        Assert.Contains("named twice", result.Message);
        Assert.Empty(await factory.OutboxForAsync(customer.Id));
    }

    [Fact]
    public async Task AShipmentACancellationAndAnEtaChangeOfOneBurstBecomeOneEmail()
    {
        var customer = await factory.CreateCustomerAsync(lines: 3);
        var (moved, shipped, cancelled) = (customer.Lines[0], customer.Lines[1], customer.Lines[2]);
        var newEta = moved.Eta!.Value.AddDays(12);

        await factory.ChangeEtaAsync(moved.Id, newEta, reasonText: "Container held at port");
        var versions = await VersionsAsync(customer);
        var shipment = await Service.RecordShipmentsAsync([
            new ShipmentRequest(shipped.Id, versions[shipped.Id], 2, factory.Today().AddDays(-1), "DHL Express", "JD0012345", ChangeSource.Staff, "staff@example.com")]);
        var cancellation = await Service.CancelOpenQuantitiesAsync([
            new CancellationRequest(cancelled.Id, versions[cancelled.Id], 9, "Discontinued by the maker", ChangeSource.Api, "erp")]);
        Assert.True(shipment.Succeeded && cancellation.Succeeded, shipment.Message + cancellation.Message);
        factory.PassCoalesceWindow();
        await factory.ComposeAndDispatchAsync();

        var message = Assert.Single(factory.Smtp.MessagesTo(customer.Email));
        var text = message.TextBody;
        Assert.Contains($"new delivery date for order {customer.OrderNumber}", message.Subject, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("the expected delivery date of one item you ordered has changed. A shipment is on its way for one item you ordered. "
            + "We had to cancel open quantity of one item you ordered.", text);
        Assert.Contains($"Now expected: {newEta.ToString("D", System.Globalization.CultureInfo.GetCultureInfo("en-US"))}", text);
        Assert.Contains($"Shipped: 2 units on {factory.Today().AddDays(-1).ToString("D", System.Globalization.CultureInfo.GetCultureInfo("en-US"))}", text);
        Assert.Contains("Carrier: DHL Express", text);
        Assert.Contains("Tracking number: JD0012345", text);
        Assert.Contains("Cancelled: 9 units", text);
        Assert.Contains("Reason: Discontinued by the maker", text);
        // Line 3 ordered 9 and all of it was cancelled; line 2 keeps 4 of 6 open.
        Assert.Contains("nothing left open", text);
        Assert.Contains("4 units open", text);
        var html = message.HtmlBody;
        Assert.Contains("data-shipment", html);
        Assert.Contains("data-cancellation", html);
        var notification = Assert.Single(await factory.NotificationsForAsync(customer.Id));
        Assert.Equal(NotificationKind.EtaChanged, notification.Kind);
        var outbox = await factory.OutboxForAsync(customer.Id);
        Assert.Equal([NotificationKind.EtaChanged, NotificationKind.ShipmentRecorded, NotificationKind.QuantityCancelled], outbox.Select(e => e.Kind).ToList());
        Assert.All(outbox, e => Assert.Equal(notification.Id, e.NotificationId));
    }

    [Fact]
    public async Task AShipmentAloneIsToldInGermanUnderItsOwnSubject()
    {
        var customer = await factory.CreateCustomerAsync(lines: 1, culture: "de-DE", timeZone: "Europe/Berlin");
        var line = customer.Lines[0];

        var result = await Service.RecordShipmentsAsync([new ShipmentRequest(line.Id, null, 3, factory.Today(), null, "00340434", ChangeSource.Api, "erp")]);
        Assert.True(result.Succeeded, result.Message);
        factory.PassCoalesceWindow();
        await factory.ComposeAndDispatchAsync();

        var message = Assert.Single(factory.Smtp.MessagesTo(customer.Email));
        Assert.Equal($"Versand zu Auftrag {customer.OrderNumber}", message.Subject);
        Assert.Contains("für eine Position Ihrer Bestellungen ist eine Sendung unterwegs.", message.TextBody);
        Assert.Contains($"Versandt: 3 Stück am {factory.Today().ToString("D", System.Globalization.CultureInfo.GetCultureInfo("de-DE"))}", message.TextBody);
        Assert.Contains("Sendungsnummer: 00340434", message.TextBody);
        Assert.Contains("nichts mehr offen", message.TextBody);
        Assert.DoesNotContain("Versanddienstleister", message.TextBody);
        Assert.DoesNotContain("Jetzt erwartet", message.TextBody);
        Assert.Equal(NotificationKind.ShipmentRecorded, Assert.Single(await factory.NotificationsForAsync(customer.Id)).Kind);
    }

    [Fact]
    public async Task EssentialOnlyCustomersHearOfCancellationsButNotOfShipments()
    {
        var customer = await factory.CreateCustomerAsync(lines: 2, preference: NotificationPreference.EssentialOnly);

        await Service.RecordShipmentsAsync([new ShipmentRequest(customer.Lines[0].Id, null, 3, factory.Today(), null, null, ChangeSource.Api, "erp")]);
        factory.PassCoalesceWindow();
        await factory.ComposeAndDispatchAsync();
        Assert.Empty(factory.Smtp.MessagesTo(customer.Email));

        await Service.CancelOpenQuantitiesAsync([new CancellationRequest(customer.Lines[1].Id, null, 2, "Recall", ChangeSource.Api, "erp")]);
        factory.PassCoalesceWindow();
        await factory.ComposeAndDispatchAsync();
        var message = Assert.Single(factory.Smtp.MessagesTo(customer.Email));
        Assert.Equal($"Quantity cancelled in order {customer.OrderNumber}", message.Subject);
        Assert.Contains("Cancelled: 2 units", message.TextBody);
        Assert.DoesNotContain("Shipped:", message.TextBody);
    }

    [Fact]
    public async Task AFulfilmentByTheCustomerThemselvesWritesNoOutboxEntry()
    {
        // Their answer in the portal has its own confirmation email; a second one would tell them what they just did.
        var customer = await factory.CreateCustomerAsync(lines: 1);

        var result = await Service.CancelOpenQuantitiesAsync([new CancellationRequest(customer.Lines[0].Id, null, 3, null, ChangeSource.Customer, "buyer@customer.example")]);

        Assert.True(result.Succeeded, result.Message);
        Assert.Empty(await factory.OutboxForAsync(customer.Id));
    }

    private async Task<Dictionary<int, long>> VersionsAsync(TestCustomer customer)
    {
        await using var db = await factory.CreateDbContextAsync();
        return await db.OrderLines.Where(l => l.CustomerId == customer.Id).ToDictionaryAsync(l => l.Id, l => l.Version);
    }

    /// <summary>Everything a fulfilment writes for the customer, as one comparable value.</summary>
    private async Task<string> StateAsync(TestCustomer customer)
    {
        await using var db = await factory.CreateDbContextAsync();
        var lines = await db.OrderLines.AsNoTracking().Where(l => l.CustomerId == customer.Id).OrderBy(l => l.Id)
            .Select(l => $"{l.Id}:{l.QuantityShipped}/{l.QuantityCancelled}/{l.Status}/v{l.Version}").ToListAsync();
        var records = await db.LineShipments.CountAsync(s => s.CustomerId == customer.Id) + await db.LineCancellations.CountAsync(c => c.CustomerId == customer.Id);
        var events = await db.IntegrationEvents.CountAsync(e => e.CustomerId == customer.Id);
        var outbox = await db.NotificationOutbox.CountAsync(e => e.CustomerId == customer.Id);
        return $"{string.Join(",", lines)} records={records} events={events} outbox={outbox}";
    }
}
