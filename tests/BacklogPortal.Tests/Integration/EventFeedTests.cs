using System.Text.Json.Nodes;
using BacklogPortal.Domain;
using BacklogPortal.Fulfilment;
using BacklogPortal.Orders;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BacklogPortal.Tests.Integration;

public sealed class EventFeedTests(ApiAppFactory factory) : IClassFixture<ApiAppFactory>
{
    private readonly ErpApi api = new(factory);

    [Fact]
    public async Task CustomerDecisionsReachTheFeedWithWhoAndWhat()
    {
        var start = await LastSequenceAsync();
        var accepted = await DelayedLineAsync();
        var cancelled = await DelayedLineAsync();
        var responses = factory.Services.GetRequiredService<CustomerResponses>();

        var accept = await responses.AcceptNewDateAsync(accepted.CustomerId, accepted.Id, accepted.Version, "buyer@example.com");
        var cancel = await responses.CancelOpenQuantityAsync(cancelled.CustomerId, cancelled.Id, cancelled.Version, "buyer@example.com");

        Assert.True(accept.IsRecorded, accept.Message);
        Assert.True(cancel.IsRecorded, cancel.Message);
        var events = (await api.GetJsonAsync($"/api/v1/events?after={start}"))["events"]!.AsArray();
        Assert.Equal(2, events.Count);
        Assert.Equal("newDateAccepted", events[0]!["type"]!.GetValue<string>());
        Assert.Equal(accepted.Order!.OrderNumber, events[0]!["orderNumber"]!.GetValue<string>());
        Assert.Equal(accepted.Eta!.Value.ToString("yyyy-MM-dd"), events[0]!["eta"]!.GetValue<string>());
        Assert.Equal("customer", events[0]!["source"]!.GetValue<string>());
        Assert.Equal("buyer@example.com", events[0]!["by"]!.GetValue<string>());
        Assert.Equal("cancelledByCustomer", events[1]!["type"]!.GetValue<string>());
        Assert.Equal(10, events[1]!["quantity"]!.GetValue<int>());
        Assert.Equal(events[0]!["sequence"]!.GetValue<long>() + 1, events[1]!["sequence"]!.GetValue<long>());
    }

    [Fact]
    public async Task ARefusedAnswerWritesNoEvent()
    {
        var line = await DelayedLineAsync();
        var start = await LastSequenceAsync();

        var stale = await factory.Services.GetRequiredService<CustomerResponses>()
            .AcceptNewDateAsync(line.CustomerId, line.Id, line.Version - 1, "buyer@example.com");

        Assert.False(stale.IsRecorded);
        Assert.Equal(start, await LastSequenceAsync());
    }

    [Fact]
    public async Task CursorNeitherSkipsNorRepeatsAnEventWhileWritersCommit()
    {
        const int writers = 4;
        const int shipmentsPerWriter = 30;
        var line = await api.BackorderAsync(quantity: writers * shipmentsPerWriter);
        await using var db = await api.DbAsync();
        var lineId = await db.OrderLines.Where(l => l.Order!.OrderNumber == line.OrderNumber).Select(l => l.Id).SingleAsync();
        var start = await LastSequenceAsync();
        var fulfilment = factory.Services.GetRequiredService<LineFulfilmentService>();

        var writing = Task.WhenAll(Enumerable.Range(0, writers).Select(w => Task.Run(async () =>
        {
            for (var i = 0; i < shipmentsPerWriter; i++)
            {
                var result = await fulfilment.RecordShipmentAsync(new ShipmentRequest(lineId, null, 1, ErpApi.Today, $"writer-{w}", $"{i}", ChangeSource.Staff, "staff@example.com"));
                Assert.True(result.Succeeded, result.Message);
            }
        })));
        var read = new List<long>();
        var cursor = start;
        var rounds = 0;
        while (true)
        {
            var done = writing.IsCompleted;
            var page = await api.GetJsonAsync($"/api/v1/events?after={cursor}&limit=7");
            var events = page["events"]!.AsArray();
            read.AddRange(events.Select(e => e!["sequence"]!.GetValue<long>()));
            cursor = page["next"]!.GetValue<long>();
            rounds++;
            if (done && events.Count == 0)
            {
                break;
            }
        }
        await writing;

        Assert.Equal(writers * shipmentsPerWriter, read.Count);
        Assert.Equal(Enumerable.Range(1, read.Count).Select(n => start + n), read);
        Assert.True(rounds > 2, "the reader did not overlap the writers");
        var carriers = await db.IntegrationEvents.Where(e => e.Sequence > start).Select(e => e.Carrier).ToListAsync();
        Assert.All(Enumerable.Range(0, writers), w => Assert.Equal(shipmentsPerWriter, carriers.Count(c => c == $"writer-{w}")));
    }

    [Fact]
    public async Task ShipmentsAndCancellationsFromTheApiAreInTheFeedToo()
    {
        var line = await api.BackorderAsync(quantity: 5);
        var start = await LastSequenceAsync();

        ErpApi.Ok(await api.PostAsync($"{line.Path}/shipments", new { quantity = 2, shippedOn = ErpApi.Today, carrier = "UPS", trackingNumber = "1Z999" }));
        ErpApi.Ok(await api.PostAsync($"{line.Path}/cancellations", new { quantity = 3, reason = "Discontinued" }));

        var page = await api.GetJsonAsync($"/api/v1/events?after={start}");
        var events = page["events"]!.AsArray();
        Assert.Equal(["shipmentRecorded", "quantityCancelled"], events.Select(e => e!["type"]!.GetValue<string>()));
        Assert.Equal("1Z999", events[0]!["trackingNumber"]!.GetValue<string>());
        Assert.Equal("Discontinued", events[1]!["reason"]!.GetValue<string>());
        Assert.Equal(events[1]!["sequence"]!.GetValue<long>(), page["next"]!.GetValue<long>());
        var empty = await api.GetJsonAsync($"/api/v1/events?after={page["next"]}");
        Assert.Empty(empty["events"]!.AsArray());
        Assert.Equal(page["next"]!.GetValue<long>(), empty["next"]!.GetValue<long>());
    }

    private async Task<long> LastSequenceAsync()
    {
        await using var db = await api.DbAsync();
        return await db.IntegrationEvents.MaxAsync(e => (long?)e.Sequence) ?? 0;
    }

    // A line whose ETA moved more than 30 days past the promise through the API: it asks for consent.
    private async Task<OrderLine> DelayedLineAsync()
    {
        var line = await api.BackorderAsync(quantity: 10, eta: ErpApi.Today.AddDays(5));
        ErpApi.Ok(await api.PutAsync($"{line.Path}/eta", new { eta = ErpApi.Today.AddDays(60), reasonCode = "supplierDelay" }));
        await using var db = await api.DbAsync();
        var stored = await db.OrderLines.Include(l => l.Order).SingleAsync(l => l.Order!.OrderNumber == line.OrderNumber);
        Assert.True(stored.ConsentRequired);
        return stored;
    }
}
