using BacklogPortal.Data;
using BacklogPortal.Domain;
using BacklogPortal.EtaChanges;
using BacklogPortal.Fulfilment;
using BacklogPortal.Orders;
using BacklogPortal.Staff.Dashboard;
using BacklogPortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BacklogPortal.Tests.Staff;

/// <summary>
/// The dashboard's running totals are kept by database triggers (decision 016). After the demo data and
/// a write through every path that touches lines — ETA changes of a line, an order and a SKU, a shipment
/// in part and in full, a cancellation, a customer's answer, a moved order date, a new line and a deleted
/// order — each table must equal the same figures computed from the lines and changes themselves.
/// </summary>
public sealed class BacklogFiguresTests(PortalAppFactory factory) : IClassFixture<PortalAppFactory>
{
    [Fact]
    public async Task EveryWritePathKeepsTheFiguresEqualToTheLines()
    {
        using var _ = factory.CreateClient();
        await using var scope = factory.Services.CreateAsyncScope();
        var services = scope.ServiceProvider;
        var dbFactory = services.GetRequiredService<IDbContextFactory<PortalDbContext>>();
        await AssertFiguresMatchTheLinesAsync(dbFactory);

        var lines = await ReadOpenLinesAsync(dbFactory);
        var today = DateOnly.FromDateTime(factory.Clock.GetUtcNow().UtcDateTime);
        var etaChanges = services.GetRequiredService<EtaChangeService>();
        // A batch (the CSV import's path, on a connection of its own settings on SQLite): one line changes twice in
        // it (its own item, then its SKU's), one to an unknown date.
        var batched = await etaChanges.ChangeBatchAsync(new EtaChangeBatch(
        [
            new(EtaChangeTarget.ForLineIds([lines[4].Id, lines[5].Id]), today.AddDays(20), EtaReasonCode.Production, null),
            new(EtaChangeTarget.ForLineIds([lines[6].Id]), null, EtaReasonCode.Other, "Waiting for the supplier"),
            new(EtaChangeTarget.ForSku(lines[4].Sku), today.AddDays(60), EtaReasonCode.Transport, null),
        ], ChangeSource.Import, "batch.csv"));
        Assert.True(batched.Outcome == EtaChangeOutcome.Changed, $"{batched.Outcome}: {string.Join("; ", batched.Errors)}");
        await AssertFiguresMatchTheLinesAsync(dbFactory);
        await using (var db = await dbFactory.CreateDbContextAsync())
        {
            // The batch's larger page cache went back with its connection: the pool hands out SQLite's usual 2 MB.
            Assert.Equal(-2000, await db.Database.SqlQueryRaw<long>(PageCacheSize).SingleAsync());
        }

        lines = await ReadOpenLinesAsync(dbFactory);
        await ChangedAsync(etaChanges, new EtaChangeRequest(
            EtaChangeTarget.ForLine(lines[0].Id, lines[0].Version), today.AddDays(200), EtaReasonCode.SupplierDelay, null, ChangeSource.Staff, "staff@example.com"));
        await ChangedAsync(etaChanges, new EtaChangeRequest(
            EtaChangeTarget.ForLine(lines[1].Id, lines[1].Version), null, EtaReasonCode.Other, "Supplier has not confirmed a date", ChangeSource.Api, "erp"));
        await ChangedAsync(etaChanges, new EtaChangeRequest(
            EtaChangeTarget.ForSku(lines[2].Sku), today.AddDays(45), EtaReasonCode.Transport, null, ChangeSource.Import, "file.csv"));
        await ChangedAsync(etaChanges, new EtaChangeRequest(
            EtaChangeTarget.ForOrder(lines[3].OrderNumber), today.AddDays(3), EtaReasonCode.StockArrivedEarly, null, ChangeSource.Staff, "staff@example.com"));

        lines = await ReadOpenLinesAsync(dbFactory);
        var fulfilment = services.GetRequiredService<LineFulfilmentService>();
        var partly = lines.First(l => l.Open > 1);
        Assert.True((await fulfilment.RecordShipmentAsync(new ShipmentRequest(partly.Id, null, 1, today, null, null, ChangeSource.Api, "erp"))).Succeeded);
        var whole = lines.First(l => l.Id != partly.Id);
        Assert.True((await fulfilment.RecordShipmentAsync(new ShipmentRequest(whole.Id, null, whole.Open, today, null, null, ChangeSource.Api, "erp"))).Succeeded);
        var cancelled = lines.First(l => l.Id != partly.Id && l.Id != whole.Id);
        Assert.True((await fulfilment.CancelOpenQuantityAsync(new CancellationRequest(cancelled.Id, null, cancelled.Open, null, ChangeSource.Staff, "staff@example.com"))).Succeeded);

        await using (var db = await dbFactory.CreateDbContextAsync())
        {
            var awaiting = await db.OrderLines.Where(LineRules.AwaitsDecision).FirstAsync();
            var answer = await services.GetRequiredService<CustomerResponses>().RespondAsync(
                awaiting.CustomerId, awaiting.Id, awaiting.Version, CustomerResponse.AcceptedNewDate, "alice@example.com");
            Assert.True(answer.IsRecorded, answer.ToString());

            var order = await db.Orders.OrderBy(o => o.Id).FirstAsync();
            order.OrderDate = order.OrderDate.AddDays(-40);
            var template = await db.OrderLines.Where(l => l.OrderId == order.Id).OrderBy(l => l.LineNumber).LastAsync();
            db.OrderLines.Add(new OrderLine
            {
                OrderId = order.Id, CustomerId = order.CustomerId, LineNumber = template.LineNumber + 1, ProductId = template.ProductId,
                Kind = BacklogKind.PreOrder, QuantityOrdered = 7, UnitPrice = 12.34m, PromisedDate = today, Eta = today.AddDays(9),
            });
            await db.SaveChangesAsync();

            // An order that arrives and is deleted again (the portal never deletes one; the triggers still follow).
            var gone = new Order { OrderNumber = "SO-GONE", CustomerId = order.CustomerId, OrderDate = today.AddDays(-10) };
            gone.Lines.Add(new OrderLine
            {
                CustomerId = order.CustomerId, LineNumber = 1, ProductId = template.ProductId, Kind = BacklogKind.Backorder,
                QuantityOrdered = 3, UnitPrice = 5m, PromisedDate = today, Eta = today.AddDays(30),
            });
            db.Orders.Add(gone);
            await db.SaveChangesAsync();
            await db.Orders.Where(o => o.Id == gone.Id).ExecuteDeleteAsync();
        }

        await AssertFiguresMatchTheLinesAsync(dbFactory);
    }

    private const string PageCacheSize = """SELECT "cache_size" AS "Value" FROM pragma_cache_size""";

    private static async Task ChangedAsync(EtaChangeService service, EtaChangeRequest request)
    {
        var result = await service.ChangeAsync(request);
        Assert.True(result.Outcome == EtaChangeOutcome.Changed, $"{result.Outcome}: {string.Join("; ", result.Errors)}");
    }

    private sealed record OpenLine(int Id, long Version, string Sku, string OrderNumber, int Open);

    private static async Task<List<OpenLine>> ReadOpenLinesAsync(IDbContextFactory<PortalDbContext> dbFactory)
    {
        await using var db = await dbFactory.CreateDbContextAsync();
        var rows = await db.OrderLines.Where(LineRules.IsOpen).OrderBy(l => l.Id)
            .Select(l => new { l.Id, l.Version, l.Product!.Sku, l.Order!.OrderNumber, l.QuantityOrdered, l.QuantityShipped, l.QuantityCancelled })
            .ToListAsync();
        return [.. rows.Select(r => new OpenLine(r.Id, r.Version, r.Sku, r.OrderNumber, r.QuantityOrdered - r.QuantityShipped - r.QuantityCancelled))];
    }

    private static async Task AssertFiguresMatchTheLinesAsync(IDbContextFactory<PortalDbContext> dbFactory)
    {
        await using var db = await dbFactory.CreateDbContextAsync();
        var open = await db.OrderLines.AsNoTracking().Where(LineRules.IsOpen).Include(l => l.Order).ToListAsync();
        Assert.NotEmpty(open);

        Assert.Equal(
            open.GroupBy(l => (l.ProductId, l.Kind))
                .Select(g => (g.Key.ProductId, g.Key.Kind, g.Count(), g.Sum(l => l.QuantityOpen), g.Sum(l => l.QuantityOpen * (long)(l.UnitPrice * 100)),
                    g.Count(l => LineRules.AwaitsDecisionFor(l.Status, l.ConsentRequired, l.CustomerResponse))))
                .Order(),
            (await db.Set<BacklogProductFigures>().ToListAsync())
                .Where(f => f.Lines != 0 || f.Units != 0 || f.ValueCents != 0 || f.AwaitingDecision != 0)
                .Select(f => (f.ProductId, f.Kind, f.Lines, f.Units, f.ValueCents, f.AwaitingDecision))
                .Order());
        Assert.Equal(
            open.GroupBy(l => (l.Order!.OrderDate, l.Kind)).Select(g => (g.Key.OrderDate, g.Key.Kind, g.Count(), g.Sum(l => l.QuantityOpen))).Order(),
            (await db.Set<BacklogOrderDateFigures>().ToListAsync()).Where(f => f.Lines != 0 || f.Units != 0)
                .Select(f => (f.OrderDate, f.Kind, f.Lines, f.Units)).Order());
        Assert.Equal(
            open.Where(l => l.Eta is not null).GroupBy(l => (l.Eta!.Value, Math.Max(l.SlipDays ?? 0, 0), l.Kind))
                .Select(g => (g.Key.Value, g.Key.Item2, g.Key.Kind, g.Count())).Order(),
            (await db.Set<BacklogEtaFigures>().ToListAsync()).Where(f => f.Lines != 0).Select(f => (f.Eta, f.LateDays, f.Kind, f.Lines)).Order());
        Assert.Equal(
            open.GroupBy(l => (l.CustomerId, l.Kind)).Select(g => (g.Key.CustomerId, g.Key.Kind, g.Count())).Order(),
            (await db.Set<BacklogCustomerFigures>().ToListAsync()).Where(f => f.Lines != 0).Select(f => (f.CustomerId, f.Kind, f.Lines)).Order());

        // The changes by UTC day and by days since the same line's previous change in time (capped at 7).
        var changes = await db.EtaChanges.AsNoTracking().OrderBy(c => c.ChangedAt).ThenBy(c => c.Id)
            .Select(c => new { c.OrderLineId, c.ChangedAt, c.NewEta, c.OrderLine!.PromisedDate })
            .ToListAsync();
        Assert.NotEmpty(changes);
        var previous = new Dictionary<int, DateOnly>();
        var expected = new List<(DateOnly Day, int Gap, int? Slip)>();
        foreach (var change in changes)
        {
            var day = DateOnly.FromDateTime(change.ChangedAt.UtcDateTime);
            var gap = previous.TryGetValue(change.OrderLineId, out var before) ? Math.Min(day.DayNumber - before.DayNumber, EtaChangeDayFigures.NoRecentChange) : EtaChangeDayFigures.NoRecentChange;
            expected.Add((day, gap, LineRules.SlipDays(change.PromisedDate, change.NewEta)));
            previous[change.OrderLineId] = day;
        }
        Assert.Equal(
            expected.GroupBy(c => (c.Day, c.Gap))
                .Select(g => (g.Key.Day, g.Key.Gap, g.Count(), g.Count(c => c.Slip is not null), g.Sum(c => (long)(c.Slip ?? 0)), g.Max(c => c.Slip))).Order(),
            (await db.Set<EtaChangeDayFigures>().ToListAsync())
                .Select(f => (f.Day, f.DaysSincePrevious, f.Changes, f.DatedChanges, f.SlipDays, f.WorstSlipDays)).Order());
    }
}
