using BacklogPortal.Domain;
using BacklogPortal.Orders;
using BacklogPortal.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;
using static BacklogPortal.Tests.Orders.OrderTestData;

namespace BacklogPortal.Tests.Orders;

public sealed class OrderDetailsTests : IAsyncLifetime
{
    private readonly FakeTimeProvider clock = new(new DateTimeOffset(2026, 11, 26, 9, 30, 0, TimeSpan.Zero));
    private TestDatabase database = default!;
    private OrderTestData data = default!;
    private OrderDetails details = default!;
    private Customer northwind = default!;
    private Customer contoso = default!;

    public async Task InitializeAsync()
    {
        database = await TestDatabase.CreateAsync();
        data = new OrderTestData(database);
        details = new OrderDetails(database, clock);
        northwind = await data.CustomerAsync("Northwind Traders");
        contoso = await data.CustomerAsync("Contoso Retail");
    }

    public async Task DisposeAsync() => await database.DisposeAsync();

    [Fact]
    public async Task AnotherCustomersOrderNumberFindsNothing()
    {
        var (theirs, _) = await data.OrderAsync(contoso, AwaitingConsent());

        Assert.Null(await details.GetAsync(northwind.Id, theirs.OrderNumber));
        Assert.NotNull(await details.GetAsync(contoso.Id, theirs.OrderNumber));
    }

    [Fact]
    public async Task LinesComeInOrderWithTheirHistoryOldestFirstAndTheAnswersTheyTake()
    {
        var (order, lines) = await data.OrderAsync(northwind, AwaitingConsent(), FirstShortDelay(), OnSchedule());

        var detail = await details.GetAsync(northwind.Id, $"  {order.OrderNumber} ");

        Assert.NotNull(detail);
        Assert.Equal(lines.Select(l => l.Id), detail.Lines.Select(l => l.LineId));
        var delayed = detail.Lines[0];
        Assert.Equal([Promised.AddDays(20), Promised.AddDays(45)], delayed.History.Select(h => h.NewEta));
        Assert.Equal([Promised, Promised.AddDays(20)], delayed.History.Select(h => h.OldEta));
        Assert.Equal([EtaReasonCode.SupplierDelay, EtaReasonCode.Transport], delayed.History.Select(h => h.ReasonCode));
        Assert.Equal((true, true), (delayed.CanAccept, delayed.CanCancel));
        Assert.Equal((false, true), (detail.Lines[1].CanAccept, detail.Lines[1].CanCancel));
        Assert.Equal((false, false), (detail.Lines[2].CanAccept, detail.Lines[2].CanCancel));
        Assert.Empty(detail.Lines[2].History);
        Assert.Equal(1, detail.AwaitingDecisionCount);
    }
}
