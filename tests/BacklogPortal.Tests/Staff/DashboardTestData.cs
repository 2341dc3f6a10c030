using BacklogPortal.Data;
using BacklogPortal.Domain;
using BacklogPortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace BacklogPortal.Tests.Staff;

/// <summary>
/// A small backlog whose dashboard figures are known by hand (today is 2026-11-26, all quantities 5):
/// <list type="bullet">
/// <item>SO-T9000 (Northwind, 3 days old): line 1 KB-1 slipped 12 days and awaiting consent; line 2 KB-1 overdue.</item>
/// <item>SO-T9001 (Contoso, 20 days old): line 1 MS-1 (pre-order), moved 2 days earlier by the API 20 days ago.</item>
/// <item>SO-T9002 (Fabrikam, 45 days old): line 1 KB-1 shipped.</item>
/// <item>SO-T9003 (Northwind, 90 days old): line 1 MS-1 (pre-order) slipped 20 days by an import 3 days ago, accepted 2 days ago.</item>
/// <item>SO-T9004 (Contoso, 5 days old): line 1 KB-1 cancelled by the customer yesterday.</item>
/// </list>
/// KB-1 costs 10, MS-1 costs 20.
/// </summary>
internal static class DashboardTestData
{
    public static readonly DateTimeOffset Now = new(2026, 11, 26, 9, 0, 0, TimeSpan.Zero);
    public static readonly DateOnly Today = new(2026, 11, 26);

    public static async Task SeedAsync(IDbContextFactory<PortalDbContext> database)
    {
        var build = new BacklogBuilder(database);
        var northwind = await build.CustomerAsync("Northwind Traders");
        var contoso = await build.CustomerAsync("Contoso Retail");
        var fabrikam = await build.CustomerAsync("Fabrikam");
        var keyboard = await build.ProductAsync("KB-1", "Keyboard", 10m);
        var mouse = await build.ProductAsync("MS-1", "Mouse", 20m, releaseDate: Today.AddDays(5));
        var o1 = await build.OrderAsync(northwind, Today.AddDays(-3), (keyboard, Today.AddDays(5)), (keyboard, Today.AddDays(-2)));
        var o2 = await build.OrderAsync(contoso, Today.AddDays(-20), (mouse, Today.AddDays(10)));
        var o3 = await build.OrderAsync(fabrikam, Today.AddDays(-45), (keyboard, Today.AddDays(1)));
        var o4 = await build.OrderAsync(northwind, Today.AddDays(-90), (mouse, Today.AddDays(30)));
        var o5 = await build.OrderAsync(contoso, Today.AddDays(-5), (keyboard, Today.AddDays(8)));

        await using var db = database.CreateDbContext();
        var lines = await db.OrderLines.ToDictionaryAsync(l => (l.OrderId, l.LineNumber));
        var slipped = lines[(o1.Id, 1)];
        slipped.Eta = slipped.PromisedDate!.Value.AddDays(12);
        slipped.ConsentRequired = true;
        var earlier = lines[(o2.Id, 1)];
        earlier.Eta = earlier.PromisedDate!.Value.AddDays(-2);
        var shipped = lines[(o3.Id, 1)];
        shipped.Status = LineStatus.Shipped;
        shipped.QuantityShipped = 5;
        var accepted = lines[(o4.Id, 1)];
        accepted.Eta = accepted.PromisedDate!.Value.AddDays(20);
        accepted.ConsentRequired = true;
        accepted.CustomerResponse = CustomerResponse.AcceptedNewDate;
        accepted.CustomerRespondedAt = Now.AddDays(-2);
        accepted.CustomerRespondedBy = "alice@example.com";
        var cancelled = lines[(o5.Id, 1)];
        cancelled.Status = LineStatus.Cancelled;
        cancelled.QuantityCancelled = 5;
        cancelled.CustomerResponse = CustomerResponse.CancelledOpenQuantity;
        cancelled.CustomerRespondedAt = Now.AddDays(-1);
        cancelled.CustomerRespondedBy = "bob@example.com";
        db.EtaChanges.AddRange(
            Change(slipped, ChangeSource.Staff, Now.AddDays(-1)),
            Change(accepted, ChangeSource.Import, Now.AddDays(-3)),
            Change(earlier, ChangeSource.Api, Now.AddDays(-20)));
        await db.SaveChangesAsync();
    }

    private static EtaChange Change(OrderLine line, ChangeSource source, DateTimeOffset at) => new()
    {
        OrderLineId = line.Id,
        CustomerId = line.CustomerId,
        OldEta = line.PromisedDate,
        NewEta = line.Eta,
        ReasonCode = EtaReasonCode.SupplierDelay,
        Source = source,
        ChangedBy = source.ToString(),
        ChangedAt = at,
    };
}
