using BacklogPortal.Domain;
using BacklogPortal.Staff;
using BacklogPortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace BacklogPortal.Tests.Staff;

public sealed class StaffLinesFilterTests : IAsyncLifetime
{
    private static readonly DateOnly Today = new(2026, 11, 26);
    private TestDatabase database = default!;

    public async Task InitializeAsync() => database = await TestDatabase.CreateAsync();

    public async Task DisposeAsync() => await database.DisposeAsync();

    [Fact]
    public void EveryFilterSurvivesTheQueryString()
    {
        var filter = new StaffLinesFilter
        {
            Customer = "C-1 & 2",
            Order = "SO-1",
            Sku = "KB/1",
            Kind = BacklogKind.PreOrder,
            Status = StaffLineStatusFilter.Answered,
            Overdue = true,
            AwaitingDecision = true,
            EtaFrom = new DateOnly(2026, 12, 1),
            EtaTo = new DateOnly(2026, 12, 31),
            AgeFrom = 8,
            AgeTo = 30,
            SlipFrom = -3,
            Q = "north wind",
            Answer = CustomerResponse.CancelledOpenQuantity,
            AnsweredFrom = new DateOnly(2026, 11, 19),
            Source = ChangeSource.Import,
            ChangedFrom = new DateOnly(2026, 11, 1),
            ChangedTo = new DateOnly(2026, 11, 7),
        };

        var url = filter.ToUrl();

        Assert.Equal(
            "/staff/lines?customer=C-1%20%26%202&order=SO-1&sku=KB%2F1&kind=preOrder&status=answered&overdue=true&decision=awaiting"
            + "&etaFrom=2026-12-01&etaTo=2026-12-31&ageFrom=8&ageTo=30&slipFrom=-3&q=north%20wind&answer=cancelled"
            + "&answeredFrom=2026-11-19&source=import&changedFrom=2026-11-01&changedTo=2026-11-07",
            url);
        Assert.Equal(filter, StaffLinesFilter.Parse(url[StaffLinesFilter.Path.Length..]));
    }

    [Fact]
    public void ValuesThatDoNotParseAreIgnored()
    {
        var filter = StaffLinesFilter.Parse("?kind=cabbage&status=lost&overdue=yes&etaFrom=2026-13-01&ageFrom=-4&slipFrom=x&customer=%20%20&sku=SKU-1");

        Assert.Equal(new StaffLinesFilter { Sku = "SKU-1" }, filter);
        Assert.Equal("", new StaffLinesFilter().ToQueryString());
        Assert.True(new StaffLinesFilter().IsEmpty);
    }

    [Fact]
    public async Task EveryFilterTranslatesToSqlAndSelectsItsLines()
    {
        var builder = new BacklogBuilder(database);
        var northwind = await builder.CustomerAsync("Northwind Traders");
        var contoso = await builder.CustomerAsync("Contoso Retail");
        var keyboard = await builder.ProductAsync("KB-1", "Keyboard");
        var mouse = await builder.ProductAsync("MS-1", "Mouse");
        var late = await builder.OrderAsync(northwind, Today.AddDays(-40), (keyboard, Today.AddDays(-2)), (mouse, Today.AddDays(10)));
        await builder.OrderAsync(contoso, Today.AddDays(-3), (mouse, Today.AddDays(5)));
        await using (var db = database.CreateDbContext())
        {
            var slipped = await db.OrderLines.SingleAsync(l => l.OrderId == late.Id && l.LineNumber == 2);
            slipped.Eta = Today.AddDays(25);
            slipped.ConsentRequired = true;
            db.EtaChanges.Add(new EtaChange
            {
                OrderLineId = slipped.Id, CustomerId = northwind.Id, OldEta = Today.AddDays(10), NewEta = Today.AddDays(25),
                Source = ChangeSource.Import, ChangedBy = "erp.csv", ChangedAt = StaffLinesFilter.StartOfUtcDay(Today.AddDays(-1)),
            });
            await db.SaveChangesAsync();
        }

        async Task<int> Count(StaffLinesFilter filter)
        {
            await using var db = database.CreateDbContext();
            return await filter.Apply(db.OrderLines, db, Today).CountAsync();
        }

        Assert.Equal(3, await Count(new StaffLinesFilter()));
        Assert.Equal(2, await Count(new StaffLinesFilter { Customer = northwind.Number }));
        Assert.Equal(2, await Count(new StaffLinesFilter { Order = late.OrderNumber }));
        Assert.Equal(2, await Count(new StaffLinesFilter { Sku = "MS-1" }));
        Assert.Equal(0, await Count(new StaffLinesFilter { Sku = "MS" }));
        Assert.Equal(3, await Count(new StaffLinesFilter { Kind = BacklogKind.Backorder }));
        Assert.Equal(1, await Count(new StaffLinesFilter { Overdue = true }));
        Assert.Equal(1, await Count(new StaffLinesFilter { AwaitingDecision = true }));
        Assert.Equal(2, await Count(new StaffLinesFilter { EtaFrom = Today, EtaTo = Today.AddDays(25) }));
        Assert.Equal(2, await Count(new StaffLinesFilter { AgeFrom = 31, AgeTo = 60 }));
        Assert.Equal(1, await Count(new StaffLinesFilter { AgeTo = 7 }));
        Assert.Equal(1, await Count(new StaffLinesFilter { SlipFrom = 15 }));
        Assert.Equal(2, await Count(new StaffLinesFilter { Q = "northwind" }));
        Assert.Equal(1, await Count(new StaffLinesFilter { Q = "keyb" }));
        Assert.Equal(1, await Count(new StaffLinesFilter { Source = ChangeSource.Import, ChangedFrom = Today.AddDays(-7) }));
        Assert.Equal(0, await Count(new StaffLinesFilter { Source = ChangeSource.Staff, ChangedFrom = Today.AddDays(-7) }));
        Assert.Equal(0, await Count(new StaffLinesFilter { Status = StaffLineStatusFilter.Answered }));
        Assert.Equal(3, await Count(new StaffLinesFilter { Status = StaffLineStatusFilter.All }));
    }
}
