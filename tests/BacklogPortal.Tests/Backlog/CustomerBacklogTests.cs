using BacklogPortal.Backlog;
using BacklogPortal.Domain;
using BacklogPortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;

namespace BacklogPortal.Tests.Backlog;

public sealed class CustomerBacklogTests : IAsyncLifetime
{
    private static readonly DateOnly Today = new(2026, 11, 26);
    private readonly FakeTimeProvider clock = new(new DateTimeOffset(2026, 11, 26, 9, 0, 0, TimeSpan.Zero));
    private TestDatabase database = default!;
    private BacklogBuilder build = default!;
    private CustomerBacklog backlog = default!;

    public async Task InitializeAsync()
    {
        database = await TestDatabase.CreateAsync();
        build = new BacklogBuilder(database);
        backlog = new CustomerBacklog(database, clock);
    }

    public async Task DisposeAsync() => await database.DisposeAsync();

    [Fact]
    public async Task CustomerSeesOnlyTheirOwnOpenLines()
    {
        var northwind = await build.CustomerAsync("Northwind");
        var contoso = await build.CustomerAsync("Contoso");
        var keyboard = await build.ProductAsync("KB-1", "Keyboard");
        await build.OrderAsync(northwind, Today.AddDays(-10), (keyboard, Today.AddDays(5)), (keyboard, Today.AddDays(9)));
        var contosoOrder = await build.OrderAsync(contoso, Today.AddDays(-3), (keyboard, Today.AddDays(2)));

        var page = await backlog.GetOpenLinesAsync(northwind.Id, new BacklogView());

        Assert.Equal(2, page.TotalCount);
        Assert.All(page.Lines, line => Assert.NotEqual(contosoOrder.OrderNumber, line.OrderNumber));
    }

    [Fact]
    public async Task ShippedAndCancelledLinesAreNotInTheBacklog()
    {
        var customer = await build.CustomerAsync("Northwind");
        var keyboard = await build.ProductAsync("KB-1", "Keyboard");
        var order = await build.OrderAsync(customer, Today.AddDays(-10),
            (keyboard, Today.AddDays(1)), (keyboard, Today.AddDays(2)), (keyboard, Today.AddDays(3)));
        await using (var db = database.CreateDbContext())
        {
            var lines = await db.OrderLines.Where(l => l.OrderId == order.Id).OrderBy(l => l.LineNumber).ToListAsync();
            lines[0].QuantityShipped = 5;
            lines[0].Status = LineStatus.Shipped;
            lines[1].QuantityCancelled = 5;
            lines[1].Status = LineStatus.Cancelled;
            await db.SaveChangesAsync();
        }

        var page = await backlog.GetOpenLinesAsync(customer.Id, new BacklogView());

        var line = Assert.Single(page.Lines);
        Assert.Equal(Today.AddDays(3), line.State.Eta);
    }

    [Fact]
    public async Task PagesAreSortedByEtaWithUnknownDatesLast()
    {
        var customer = await build.CustomerAsync("Northwind");
        var keyboard = await build.ProductAsync("KB-1", "Keyboard");
        await build.OrderAsync(customer, Today.AddDays(-10),
            (keyboard, null), (keyboard, Today.AddDays(9)), (keyboard, Today.AddDays(1)), (keyboard, Today.AddDays(4)));

        var first = await backlog.GetOpenLinesAsync(customer.Id, new BacklogView { Page = 1, PageSize = 3 });
        var second = await backlog.GetOpenLinesAsync(customer.Id, new BacklogView { Page = 2, PageSize = 3 });

        Assert.Equal(4, first.TotalCount);
        Assert.Equal([Today.AddDays(1), Today.AddDays(4), Today.AddDays(9)], first.Lines.Select(l => l.State.Eta));
        Assert.Null(Assert.Single(second.Lines).State.Eta);
    }

    [Fact]
    public async Task FiltersNarrowByKindOverdueAndText()
    {
        var customer = await build.CustomerAsync("Northwind");
        var keyboard = await build.ProductAsync("KB-1", "Keyboard");
        var console = await build.ProductAsync("CON-NEXT", "Game Console Next", releaseDate: Today.AddDays(30));
        await build.OrderAsync(customer, Today.AddDays(-20), (keyboard, Today.AddDays(-2)), (console, Today.AddDays(30)));

        var preOrders = await backlog.GetOpenLinesAsync(customer.Id, new BacklogView { Kind = BacklogKind.PreOrder });
        var overdue = await backlog.GetOpenLinesAsync(customer.Id, new BacklogView { OverdueOnly = true });
        var search = await backlog.GetOpenLinesAsync(customer.Id, new BacklogView { Search = "console" });

        Assert.Equal("CON-NEXT", Assert.Single(preOrders.Lines).Sku);
        Assert.Equal("KB-1", Assert.Single(overdue.Lines).Sku);
        Assert.Equal("CON-NEXT", Assert.Single(search.Lines).Sku);
    }

    [Fact]
    public async Task PageSizeIsCappedSoOneRequestCannotReadEverything()
    {
        var customer = await build.CustomerAsync("Northwind");
        var keyboard = await build.ProductAsync("KB-1", "Keyboard");
        await build.OrderAsync(customer, Today, Enumerable.Range(0, CustomerBacklog.MaxPageSize + 5)
            .Select(i => (keyboard, (DateOnly?)Today.AddDays(i))).ToArray());

        var page = await backlog.GetOpenLinesAsync(customer.Id, new BacklogView { PageSize = 10_000 });

        Assert.Equal(CustomerBacklog.MaxPageSize, page.Lines.Count);
        Assert.Equal(CustomerBacklog.MaxPageSize + 5, page.TotalCount);
    }

    [Fact]
    public async Task EveryColumnSortsAndStatusPutsDecisionsFirst()
    {
        var customer = await build.CustomerAsync("Northwind");
        var keyboard = await build.ProductAsync("KB-1", "Keyboard");
        var order = await build.OrderAsync(customer, Today.AddDays(-10),
            (keyboard, Today.AddDays(9)), (keyboard, Today.AddDays(-2)), (keyboard, null), (keyboard, Today.AddDays(4)));
        await using (var db = database.CreateDbContext())
        {
            var decision = await db.OrderLines.SingleAsync(l => l.OrderId == order.Id && l.LineNumber == 4);
            decision.ConsentRequired = true;
            await db.SaveChangesAsync();
        }

        var byStatus = await backlog.GetOpenLinesAsync(customer.Id, new BacklogView { Sort = BacklogSort.Status });
        var byStatusDescending = await backlog.GetOpenLinesAsync(customer.Id, new BacklogView { Sort = BacklogSort.Status, Descending = true });

        // Decision needed, overdue, waiting for a date, scheduled.
        Assert.Equal<DateOnly?>([Today.AddDays(4), Today.AddDays(-2), null, Today.AddDays(9)], byStatus.Lines.Select(l => l.State.Eta));
        Assert.Equal<DateOnly?>([Today.AddDays(9), null, Today.AddDays(-2), Today.AddDays(4)], byStatusDescending.Lines.Select(l => l.State.Eta));
        foreach (var sort in Enum.GetValues<BacklogSort>())
        {
            var page = await backlog.GetOpenLinesAsync(customer.Id, new BacklogView { Sort = sort, Descending = true });
            Assert.Equal(4, page.Lines.Count);
        }
    }

    [Fact]
    public async Task AwaitingMyDecisionAndTotalsCoverEveryMatchingLine()
    {
        var customer = await build.CustomerAsync("Northwind");
        var keyboard = await build.ProductAsync("KB-1", "Keyboard", price: 12.5m);
        var order = await build.OrderAsync(customer, Today.AddDays(-10),
            Enumerable.Range(1, 7).Select(i => (keyboard, (DateOnly?)Today.AddDays(i))).ToArray());
        await using (var db = database.CreateDbContext())
        {
            await db.OrderLines.Where(l => l.OrderId == order.Id && l.LineNumber <= 3)
                .ExecuteUpdateAsync(set => set.SetProperty(l => l.ConsentRequired, true));
        }

        var awaiting = await backlog.GetOpenLinesAsync(customer.Id, new BacklogView { AwaitingDecisionOnly = true, PageSize = 2 });

        Assert.Equal(2, awaiting.Lines.Count);
        // Three lines of five units at 12.50, although the page holds two.
        Assert.Equal(new BacklogTotals(3, 15, 187.5), awaiting.Totals);
    }

    [Fact]
    public async Task AnotherPageOfTheSameLinesReusesTheTotalsItIsGiven()
    {
        var customer = await build.CustomerAsync("Northwind");
        var keyboard = await build.ProductAsync("KB-1", "Keyboard");
        await build.OrderAsync(customer, Today.AddDays(-10), Enumerable.Range(1, 4).Select(i => (keyboard, (DateOnly?)Today.AddDays(i))).ToArray());
        var first = await backlog.GetOpenLinesAsync(customer.Id, new BacklogView { PageSize = 3 });
        var known = new BacklogTotals(99, 999, 9.5);

        var second = await backlog.GetOpenLinesAsync(customer.Id, new BacklogView { PageSize = 3, Page = 2 }, known);

        Assert.Equal(new BacklogTotals(4, 20, 200), first.Totals);
        Assert.Single(second.Lines);
        // Not read again: the numbers passed in come back.
        Assert.Equal((known, 99), (second.Totals, second.TotalCount));
        Assert.True(new BacklogView { Sort = BacklogSort.Status, Page = 3 }.SelectsSameLinesAs(new BacklogView()));
        Assert.False(new BacklogView { OverdueOnly = true }.SelectsSameLinesAs(new BacklogView()));
    }
}
