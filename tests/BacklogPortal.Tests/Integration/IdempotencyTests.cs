using System.Net;
using Microsoft.EntityFrameworkCore;

namespace BacklogPortal.Tests.Integration;

public sealed class IdempotencyTests(ApiAppFactory factory) : IClassFixture<ApiAppFactory>
{
    private readonly ErpApi api = new(factory);

    [Fact]
    public async Task RetryWithTheSameKeyReturnsTheFirstAnswerAndAppliesNothingAgain()
    {
        var line = await api.BackorderAsync(eta: ErpApi.Today.AddDays(5));
        var key = Guid.NewGuid().ToString();
        var body = new { eta = ErpApi.Today.AddDays(30), reasonCode = "transport", reasonText = "Carrier capacity shortage" };

        var first = await api.PutAsync($"{line.Path}/eta", body, key);
        var retry = await api.PutAsync($"{line.Path}/eta", body, key);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, retry.StatusCode);
        Assert.Equal(await first.Content.ReadAsStringAsync(), await retry.Content.ReadAsStringAsync());
        Assert.True(retry.Headers.Contains("Idempotent-Replayed"));
        Assert.False(first.Headers.Contains("Idempotent-Replayed"));
        await using var db = await api.DbAsync();
        var lineId = await db.OrderLines.Where(l => l.Order!.OrderNumber == line.OrderNumber).Select(l => l.Id).SingleAsync();
        Assert.Equal(1, await db.EtaChanges.CountAsync(c => c.OrderLineId == lineId && c.ReasonCode == BacklogPortal.Domain.EtaReasonCode.Transport));
        Assert.Equal(1, await db.NotificationOutbox.CountAsync(e => e.OrderLineId == lineId));
    }

    [Fact]
    public async Task ReplayedShipmentKeepsItsStatusAndLocationAndShipsOnce()
    {
        var line = await api.BackorderAsync(quantity: 10);
        var key = Guid.NewGuid().ToString();
        var body = new { quantity = 3, shippedOn = ErpApi.Today };

        var first = await api.PostAsync($"{line.Path}/shipments", body, key);
        var retry = await api.PostAsync($"{line.Path}/shipments", body, key);

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.Created, retry.StatusCode);
        Assert.Equal(first.Headers.Location, retry.Headers.Location);
        await using var db = await api.DbAsync();
        Assert.Equal(3, await db.OrderLines.Where(l => l.Order!.OrderNumber == line.OrderNumber).Select(l => l.QuantityShipped).SingleAsync());
        Assert.Equal(1, await db.LineShipments.CountAsync(s => s.OrderLine!.Order!.OrderNumber == line.OrderNumber));
    }

    [Fact]
    public async Task SameKeyWithAnotherBodyIsRefused()
    {
        var line = await api.BackorderAsync(quantity: 10);
        var key = Guid.NewGuid().ToString();

        await api.PostAsync($"{line.Path}/shipments", new { quantity = 3, shippedOn = ErpApi.Today }, key);
        var other = await api.PostAsync($"{line.Path}/shipments", new { quantity = 4, shippedOn = ErpApi.Today }, key);

        await other.AssertProblemAsync(422);
        await using var db = await api.DbAsync();
        Assert.Equal(3, await db.OrderLines.Where(l => l.Order!.OrderNumber == line.OrderNumber).Select(l => l.QuantityShipped).SingleAsync());
    }

    [Fact]
    public async Task ARejectedRequestIsReplayedAsRejected()
    {
        var line = await api.BackorderAsync(quantity: 2);
        var key = Guid.NewGuid().ToString();

        var first = await api.PostAsync($"{line.Path}/shipments", new { quantity = 5, shippedOn = ErpApi.Today }, key);
        var retry = await api.PostAsync($"{line.Path}/shipments", new { quantity = 5, shippedOn = ErpApi.Today }, key);

        await first.AssertProblemAsync(400, "quantity");
        await retry.AssertProblemAsync(400, "quantity");
    }

    [Fact]
    public async Task KeysOfOneClientDoNotAnswerForAnother()
    {
        var keys = factory.Services.GetService(typeof(BacklogPortal.Integration.ApiKeys.ApiKeyService)) as BacklogPortal.Integration.ApiKeys.ApiKeyService;
        var (created, _) = await keys!.CreateAsync(ErpApi.Unique("other"));
        var other = ErpApi.CreateClient(factory, created!.Key);
        var line = await api.BackorderAsync(quantity: 10);
        var key = Guid.NewGuid().ToString();

        await api.PostAsync($"{line.Path}/shipments", new { quantity = 1, shippedOn = ErpApi.Today }, key);
        var request = new HttpRequestMessage(HttpMethod.Post, $"{line.Path}/shipments")
        {
            Content = System.Net.Http.Json.JsonContent.Create(new { quantity = 1, shippedOn = ErpApi.Today }),
        };
        request.Headers.Add("Idempotency-Key", key);
        var response = await other.SendAsync(request);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.False(response.Headers.Contains("Idempotent-Replayed"));
        await using var db = await api.DbAsync();
        Assert.Equal(2, await db.OrderLines.Where(l => l.Order!.OrderNumber == line.OrderNumber).Select(l => l.QuantityShipped).SingleAsync());
    }

    [Theory]
    [InlineData("has space")]
    [InlineData("0123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901")]
    public async Task AnUnusableKeyIsABadRequest(string key)
    {
        var line = await api.BackorderAsync();
        var request = new HttpRequestMessage(HttpMethod.Post, $"{line.Path}/shipments")
        {
            Content = System.Net.Http.Json.JsonContent.Create(new { quantity = 1, shippedOn = ErpApi.Today }),
        };
        request.Headers.TryAddWithoutValidation("Idempotency-Key", key);

        var response = await api.Client.SendAsync(request);

        await response.AssertProblemAsync(400, "Idempotency-Key");
    }
}
