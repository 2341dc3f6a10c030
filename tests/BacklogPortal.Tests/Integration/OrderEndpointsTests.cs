using System.Net;
using BacklogPortal.Data.Demo;
using BacklogPortal.Domain;
using Microsoft.EntityFrameworkCore;

namespace BacklogPortal.Tests.Integration;

public sealed class OrderEndpointsTests(ApiAppFactory factory) : IClassFixture<ApiAppFactory>
{
    private readonly ErpApi api = new(factory);

    [Fact]
    public async Task NewOrderIsCreatedWithItsLinesAndInitialEstimatesButNoEmail()
    {
        var line = await api.BackorderAsync(eta: ErpApi.Today.AddDays(20));

        var order = await api.GetJsonAsync($"/api/v1/orders/{line.OrderNumber}");

        Assert.Equal(line.CustomerNumber, order["customerNumber"]!.GetValue<string>());
        var lines = order["lines"]!.AsArray();
        Assert.Single(lines);
        Assert.Equal("backorder", lines[0]!["kind"]!.GetValue<string>());
        Assert.Equal("open", lines[0]!["status"]!.GetValue<string>());
        Assert.Equal(ErpApi.Today.AddDays(20).ToString("yyyy-MM-dd"), lines[0]!["eta"]!.GetValue<string>());
        Assert.Equal(10, lines[0]!["quantityOpen"]!.GetValue<int>());
        await using var db = await api.DbAsync();
        var audit = await db.EtaChanges.Where(c => c.OrderLine!.Order!.OrderNumber == line.OrderNumber).ToListAsync();
        var initial = Assert.Single(audit);
        Assert.Equal(EtaReasonCode.InitialEstimate, initial.ReasonCode);
        Assert.Null(initial.OldEta);
        Assert.Equal(ChangeSource.Api, initial.Source);
        Assert.Equal(DemoDataSeeder.ApiClientName, initial.ChangedBy);
        Assert.Equal(0, await db.NotificationOutbox.CountAsync(e => e.OrderLineId == initial.OrderLineId));
    }

    [Fact]
    public async Task NewLinesAreStoredExactlyAsEfStoresThemSoEfQueriesFindThemByEveryValue()
    {
        // The upsert writes new lines as SQL literals, not through EF: each value must compare equal in EF's own queries.
        var customer = ErpApi.Unique("C");
        var sku = ErpApi.Unique("SKU");
        var number = ErpApi.Unique("SO");
        ErpApi.Ok(await api.PutAsync($"/api/v1/customers/{customer}", new { name = "Literal Ltd" }));
        ErpApi.Ok(await api.PutAsync($"/api/v1/products/{sku}", new { name = "Thing", unitPrice = 3m }));
        var promised = ErpApi.Today.AddDays(12);
        var created = await api.PutAsync($"/api/v1/orders/{number}", new
        {
            customerNumber = customer,
            orderDate = ErpApi.Today,
            lines = new object[]
            {
                new { lineNumber = 7, sku, kind = "preOrder", quantity = 3, unitPrice = 12.34m, promisedDate = promised, eta = promised.AddDays(2) },
                new { lineNumber = 8, sku, kind = "backorder", quantity = 1, promisedDate = (DateOnly?)null, eta = (DateOnly?)null },
            },
        });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);

        await using var db = await api.DbAsync();
        var preOrder = await db.OrderLines.SingleAsync(l => l.Order!.OrderNumber == number && l.LineNumber == 7
            && l.Kind == BacklogKind.PreOrder && l.Status == LineStatus.Open && l.UnitPrice == 12.34m && l.QuantityOrdered == 3
            && l.PromisedDate == promised && l.Eta == promised.AddDays(2) && !l.ConsentRequired && l.CustomerResponse == CustomerResponse.None);
        var unknown = await db.OrderLines.SingleAsync(l => l.Order!.OrderNumber == number && l.LineNumber == 8
            && l.Kind == BacklogKind.Backorder && l.UnitPrice == 3m && l.PromisedDate == null && l.Eta == null);
        Assert.Equal((0, 0, 0L), (preOrder.QuantityShipped, preOrder.EtaChangeCount, preOrder.Version));
        Assert.Equal(unknown.CustomerId, preOrder.CustomerId);
    }

    [Fact]
    public async Task RepeatedOrderChangesTheEtaThroughTheWritePathAndLeavesAbsentLinesAlone()
    {
        var customer = ErpApi.Unique("C");
        var sku = ErpApi.Unique("SKU");
        var number = ErpApi.Unique("SO");
        ErpApi.Ok(await api.PutAsync($"/api/v1/customers/{customer}", new { name = "Repeat Ltd" }));
        ErpApi.Ok(await api.PutAsync($"/api/v1/products/{sku}", new { name = "Thing", unitPrice = 3m }));
        var eta = ErpApi.Today.AddDays(10);
        object Line(int n, DateOnly? lineEta) => new { lineNumber = n, sku, kind = "backorder", quantity = 5, promisedDate = eta, eta = lineEta };
        var created = await api.PutAsync($"/api/v1/orders/{number}", new { customerNumber = customer, orderDate = ErpApi.Today, lines = new[] { Line(1, eta), Line(2, eta) } });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);

        var repeat = await api.PutAsync($"/api/v1/orders/{number}", new { customerNumber = customer, orderDate = ErpApi.Today, lines = new[] { Line(1, eta.AddDays(7)) } });

        Assert.Equal(HttpStatusCode.OK, repeat.StatusCode);
        var summary = await ErpApi.JsonOf(repeat);
        Assert.False(summary["created"]!.GetValue<bool>());
        Assert.Equal(1, summary["etasChanged"]!.GetValue<int>());
        await using var db = await api.DbAsync();
        var lines = await db.OrderLines.Where(l => l.Order!.OrderNumber == number).OrderBy(l => l.LineNumber).ToListAsync();
        Assert.Equal([eta.AddDays(7), eta], lines.Select(l => l.Eta));
        var moved = await db.EtaChanges.SingleAsync(c => c.OrderLineId == lines[0].Id && c.ReasonCode != EtaReasonCode.InitialEstimate);
        Assert.Equal(eta, moved.OldEta);
        Assert.Equal(ChangeSource.Api, moved.Source);
        Assert.Equal(1, await db.NotificationOutbox.CountAsync(e => e.EtaChangeId == moved.Id));
        Assert.Equal(0, await db.EtaChanges.CountAsync(c => c.OrderLineId == lines[1].Id && c.ReasonCode != EtaReasonCode.InitialEstimate));
    }

    [Fact]
    public async Task LineEtaChangeIsAuditedAndQueuedForEmailLikeAStaffChange()
    {
        var line = await api.BackorderAsync(eta: ErpApi.Today.AddDays(5));
        var newEta = ErpApi.Today.AddDays(40);

        var response = await api.PutAsync($"{line.Path}/eta", new { eta = newEta, reasonCode = "supplierDelay", reasonText = "Container held at port" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await ErpApi.JsonOf(response);
        Assert.True(body["changed"]!.GetValue<bool>());
        await using var db = await api.DbAsync();
        var stored = await db.OrderLines.SingleAsync(l => l.Order!.OrderNumber == line.OrderNumber);
        Assert.Equal(newEta, stored.Eta);
        Assert.Equal(1, stored.EtaChangeCount);
        var audit = await db.EtaChanges.SingleAsync(c => c.OrderLineId == stored.Id && c.ReasonCode == EtaReasonCode.SupplierDelay);
        Assert.Equal("Container held at port", audit.ReasonText);
        Assert.Equal(DemoDataSeeder.ApiClientName, audit.ChangedBy);
        Assert.Equal(1, await db.NotificationOutbox.CountAsync(e => e.EtaChangeId == audit.Id));
    }

    [Fact]
    public async Task UnknownEtaIsSetWithNull()
    {
        var line = await api.BackorderAsync();

        var response = await api.SendAsync(HttpMethod.Put, $"{line.Path}/eta", """{"eta":null,"reasonCode":"production","reasonText":null}""");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await using var db = await api.DbAsync();
        var stored = await db.OrderLines.SingleAsync(l => l.Order!.OrderNumber == line.OrderNumber);
        Assert.Null(stored.Eta);
        Assert.True(stored.ConsentRequired);
    }

    [Fact]
    public async Task PartialShipmentsLeaveTheLineOpenUntilEverythingShipped()
    {
        var line = await api.BackorderAsync(quantity: 10);

        var first = await api.PostAsync($"{line.Path}/shipments", new { quantity = 4, shippedOn = ErpApi.Today, carrier = "DHL", trackingNumber = "JD0146" });
        var firstBody = await ErpApi.JsonOf(first);
        var second = await api.PostAsync($"{line.Path}/shipments", new { quantity = 6, shippedOn = ErpApi.Today });

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal("partiallyShipped", firstBody["status"]!.GetValue<string>());
        Assert.Equal(6, firstBody["quantityOpen"]!.GetValue<int>());
        Assert.Equal(HttpStatusCode.Created, second.StatusCode);
        var order = await api.GetJsonAsync($"/api/v1/orders/{line.OrderNumber}");
        var stored = order["lines"]![0]!;
        Assert.Equal("shipped", stored["status"]!.GetValue<string>());
        Assert.Equal(10, stored["quantityShipped"]!.GetValue<int>());
        var shipments = stored["shipments"]!.AsArray();
        Assert.Equal(2, shipments.Count);
        Assert.Equal("DHL", shipments[0]!["carrier"]!.GetValue<string>());
        Assert.Equal("JD0146", shipments[0]!["trackingNumber"]!.GetValue<string>());
        var open = await api.GetJsonAsync($"/api/v1/customers/{line.CustomerNumber}/open-lines");
        Assert.Empty(open["lines"]!.AsArray());
        await using var db = await api.DbAsync();
        Assert.Equal(2, await db.LineShipments.CountAsync(s => s.OrderLine!.Order!.OrderNumber == line.OrderNumber && s.RecordedBy == DemoDataSeeder.ApiClientName));
    }

    [Fact]
    public async Task CancellingAllOpenQuantityOfAnUnshippedLineCancelsIt()
    {
        var line = await api.BackorderAsync(quantity: 8);

        var partly = await api.PostAsync($"{line.Path}/cancellations", new { quantity = 3, reason = "Customer reduced the order" });
        var rest = await api.PostAsync($"{line.Path}/cancellations", new { quantity = 5 });

        Assert.Equal("open", (await ErpApi.JsonOf(partly))["status"]!.GetValue<string>());
        var body = await ErpApi.JsonOf(rest);
        Assert.Equal("cancelled", body["status"]!.GetValue<string>());
        Assert.Equal(8, body["quantityCancelled"]!.GetValue<int>());
        await using var db = await api.DbAsync();
        var audit = await db.LineCancellations.Where(c => c.OrderLine!.Order!.OrderNumber == line.OrderNumber).OrderBy(c => c.Id).ToListAsync();
        Assert.Equal([3, 5], audit.Select(c => c.Quantity));
        Assert.Equal("Customer reduced the order", audit[0].Reason);
    }

    [Fact]
    public async Task UnknownOrderAndLineAreNotFound()
    {
        var line = await api.BackorderAsync();

        var order = await api.Client.GetAsync("/api/v1/orders/SO-DOES-NOT-EXIST");
        var lineMissing = await api.PutAsync($"/api/v1/orders/{line.OrderNumber}/lines/99/eta", new { eta = ErpApi.Today, reasonCode = "transport" });
        var notANumber = await api.PutAsync($"/api/v1/orders/{line.OrderNumber}/lines/one/eta", new { eta = ErpApi.Today, reasonCode = "transport" });

        await order.AssertProblemAsync(404);
        await lineMissing.AssertProblemAsync(404);
        await notANumber.AssertProblemAsync(404);
    }
}
