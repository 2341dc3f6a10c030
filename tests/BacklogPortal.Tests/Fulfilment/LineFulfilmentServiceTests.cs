using BacklogPortal.Domain;
using BacklogPortal.Fulfilment;
using BacklogPortal.Notifications;
using BacklogPortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;

namespace BacklogPortal.Tests.Fulfilment;

public sealed class LineFulfilmentServiceTests : IAsyncLifetime
{
    private static readonly DateOnly Today = DateOnly.FromDateTime(DateTime.UtcNow);
    private TestDatabase database = null!;
    private LineFulfilmentService service = null!;

    public async Task InitializeAsync()
    {
        database = await TestDatabase.CreateAsync();
        service = new LineFulfilmentService(database, new OutboxSignal(), TimeProvider.System, NullLogger<LineFulfilmentService>.Instance);
    }

    public async Task DisposeAsync() => await database.DisposeAsync();

    [Fact]
    public async Task ShipmentAsTheStaffSawTheLineIsRecordedWithItsAuditRowAndEvent()
    {
        var line = await LineAsync();

        var result = await service.RecordShipmentAsync(new ShipmentRequest(line.Id, line.Version, 2, Today, " DHL ", "JD01", ChangeSource.Staff, "staff@example.com"));

        Assert.Equal(FulfilmentOutcome.Recorded, result.Outcome);
        Assert.Equal(new LineQuantities(5, 2, 0, LineStatus.PartiallyShipped, line.Version + 1), result.Line);
        await using var db = database.CreateDbContext();
        var shipment = await db.LineShipments.SingleAsync();
        Assert.Equal((line.Id, line.CustomerId, 2, "DHL", "JD01", ChangeSource.Staff, "staff@example.com"),
            (shipment.OrderLineId, shipment.CustomerId, shipment.Quantity, shipment.Carrier, shipment.TrackingNumber, shipment.Source, shipment.RecordedBy));
        Assert.Equal(result.RecordId, shipment.Id);
        var feed = await db.IntegrationEvents.SingleAsync();
        Assert.Equal((IntegrationEventType.ShipmentRecorded, 2, "DHL", Today), (feed.Type, feed.Quantity, feed.Carrier, feed.ShippedOn));
    }

    [Fact]
    public async Task StaleVersionIsAConflictAndWritesNothing()
    {
        var line = await LineAsync();

        var result = await service.CancelOpenQuantityAsync(new CancellationRequest(line.Id, line.Version - 1, 1, null, ChangeSource.Staff, "staff@example.com"));

        Assert.Equal(FulfilmentOutcome.Conflict, result.Outcome);
        await AssertUnchangedAsync(line);
    }

    [Theory]
    [InlineData(0, "Quantity")]
    [InlineData(-1, "Quantity")]
    [InlineData(6, "Quantity")]
    public async Task QuantityOutsideWhatIsOpenIsInvalid(int quantity, string field)
    {
        var line = await LineAsync();

        var shipped = await service.RecordShipmentAsync(new ShipmentRequest(line.Id, null, quantity, Today, null, null, ChangeSource.Api, "erp"));
        var cancelled = await service.CancelOpenQuantityAsync(new CancellationRequest(line.Id, null, quantity, null, ChangeSource.Api, "erp"));

        Assert.Equal(FulfilmentOutcome.Invalid, shipped.Outcome);
        Assert.Equal(field, Assert.Single(shipped.Errors).Field);
        Assert.Equal(FulfilmentOutcome.Invalid, cancelled.Outcome);
        await AssertUnchangedAsync(line);
    }

    [Fact]
    public async Task CancellingTheRestOfAPartlyShippedLineCompletesItAsShipped()
    {
        var line = await LineAsync();
        await service.RecordShipmentAsync(new ShipmentRequest(line.Id, null, 2, Today, null, null, ChangeSource.Api, "erp"));

        var result = await service.CancelOpenQuantityAsync(new CancellationRequest(line.Id, null, 3, "Discontinued", ChangeSource.Api, "erp"));
        var again = await service.RecordShipmentAsync(new ShipmentRequest(line.Id, null, 1, Today, null, null, ChangeSource.Api, "erp"));

        Assert.Equal(new LineQuantities(5, 2, 3, LineStatus.Shipped, line.Version + 2), result.Line);
        Assert.Equal(FulfilmentOutcome.Invalid, again.Outcome);
        Assert.Contains("nothing is open", again.Message);
        await using var db = database.CreateDbContext();
        Assert.Equal([IntegrationEventType.ShipmentRecorded, IntegrationEventType.QuantityCancelled],
            await db.IntegrationEvents.OrderBy(e => e.Sequence).Select(e => e.Type).ToListAsync());
        Assert.Equal([1L, 2L], await db.IntegrationEvents.OrderBy(e => e.Sequence).Select(e => e.Sequence).ToListAsync());
    }

    [Fact]
    public async Task ShippingDatesInTheFutureOrLongAgoAreInvalid()
    {
        var line = await LineAsync();

        var future = await service.RecordShipmentAsync(new ShipmentRequest(line.Id, null, 1, Today.AddDays(1), null, null, ChangeSource.Api, "erp"));
        var old = await service.RecordShipmentAsync(new ShipmentRequest(line.Id, null, 1, Today.AddYears(-2), null, null, ChangeSource.Api, "erp"));

        Assert.Equal("ShippedOn", Assert.Single(future.Errors).Field);
        Assert.Equal("ShippedOn", Assert.Single(old.Errors).Field);
        await AssertUnchangedAsync(line);
    }

    [Theory]
    [InlineData("DH\0L", null, "Carrier")]
    [InlineData(null, "JD\u001b01", "TrackingNumber")]
    public async Task ControlCharactersInShipmentTextsAreInvalid(string? carrier, string? tracking, string field)
    {
        var line = await LineAsync();

        var result = await service.RecordShipmentAsync(new ShipmentRequest(line.Id, null, 1, Today, carrier, tracking, ChangeSource.Api, "erp"));

        Assert.Equal(FulfilmentOutcome.Invalid, result.Outcome);
        var error = Assert.Single(result.Errors);
        Assert.Equal(field, error.Field);
        Assert.Contains("control character", error.Message);
        await AssertUnchangedAsync(line);
    }

    [Fact]
    public async Task ControlCharacterInACancellationReasonIsInvalid()
    {
        var line = await LineAsync();

        var result = await service.CancelOpenQuantityAsync(new CancellationRequest(line.Id, null, 1, "Customer\0 asked", ChangeSource.Staff, "staff@example.com"));

        Assert.Equal(FulfilmentOutcome.Invalid, result.Outcome);
        Assert.Equal("Reason", Assert.Single(result.Errors).Field);
        await AssertUnchangedAsync(line);
    }

    [Fact]
    public async Task UnknownLineIsInvalid()
    {
        var result = await service.RecordShipmentAsync(new ShipmentRequest(987654, null, 1, Today, null, null, ChangeSource.Api, "erp"));

        Assert.Equal(FulfilmentOutcome.Invalid, result.Outcome);
        Assert.Equal("LineId", Assert.Single(result.Errors).Field);
    }

    private async Task<OrderLine> LineAsync()
    {
        var builder = new BacklogBuilder(database);
        var customer = await builder.CustomerAsync("Shipments Ltd");
        var product = await builder.ProductAsync($"S-{Guid.NewGuid():n}"[..10], "Crate");
        var order = await builder.OrderAsync(customer, Today.AddDays(-5), (product, Today.AddDays(5)));
        return order.Lines.Single();
    }

    private async Task AssertUnchangedAsync(OrderLine line)
    {
        await using var db = database.CreateDbContext();
        var stored = await db.OrderLines.AsNoTracking().SingleAsync(l => l.Id == line.Id);
        Assert.Equal((line.QuantityShipped, line.QuantityCancelled, line.Status, line.Version), (stored.QuantityShipped, stored.QuantityCancelled, stored.Status, stored.Version));
        Assert.Equal(0, await db.LineShipments.CountAsync() + await db.LineCancellations.CountAsync() + await db.IntegrationEvents.CountAsync());
    }
}
