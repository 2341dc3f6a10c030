using BacklogPortal.Domain;
using BacklogPortal.EtaChanges;
using BacklogPortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace BacklogPortal.Tests.Domain;

/// <summary>The shared line rules as SQLite evaluates them, against literal expectations and their plain twins.</summary>
public sealed class LineRulesTests : IAsyncLifetime
{
    private static readonly DateOnly Today = new(2026, 3, 20);

    private TestDatabase database = default!;
    private Dictionary<string, int> ids = default!;
    private int[] lineIds = [];

    public async Task InitializeAsync()
    {
        database = await TestDatabase.CreateAsync();
        var backlog = new BacklogBuilder(database);
        var customer = await backlog.CustomerAsync("Rules Ltd");
        var product = await backlog.ProductAsync("RULE-1", "Rule widget");
        var order = await backlog.OrderAsync(customer, Today.AddDays(-30),
            (product, Today.AddDays(-1)), (product, Today), (product, null), (product, Today.AddDays(5)), (product, Today.AddDays(-3)), (product, Today.AddDays(9)));
        await using var db = database.CreateDbContext();
        var lines = await db.OrderLines.Where(l => l.OrderId == order.Id).OrderBy(l => l.LineNumber).ToListAsync();
        // Line 1: open, overdue, awaits a decision. 2: partly shipped, due today, decision given.
        // 3: open, unknown ETA, consent required. 4: shipped. 5: cancelled, overdue, consent required. 6: open, nothing left (cancelled rest).
        (lines[0].ConsentRequired, lines[0].Status) = (true, LineStatus.Open);
        (lines[1].Status, lines[1].QuantityShipped, lines[1].ConsentRequired, lines[1].CustomerResponse) = (LineStatus.PartiallyShipped, 2, true, CustomerResponse.AcceptedNewDate);
        lines[2].ConsentRequired = true;
        (lines[3].Status, lines[3].QuantityShipped) = (LineStatus.Shipped, 5);
        (lines[4].Status, lines[4].QuantityCancelled, lines[4].ConsentRequired) = (LineStatus.Cancelled, 5, true);
        (lines[5].QuantityShipped, lines[5].QuantityCancelled) = (3, 2);
        await db.SaveChangesAsync();
        ids = lines.ToDictionary(l => $"line {l.LineNumber}", l => l.Id);
        lineIds = [.. ids.Values];
    }

    public async Task DisposeAsync() => await database.DisposeAsync();

    [Fact]
    public async Task OpenMeansOpenOrPartlyShipped()
    {
        Assert.Equal(["line 1", "line 2", "line 3", "line 6"], await NamesWhereAsync(LineRules.IsOpen));
        Assert.Equal(["line 1", "line 2", "line 3", "line 6"], await NamesWhereAsync(l => LineRules.OpenStatuses.Contains(l.Status)));
        await AssertPlainRuleAgreesAsync(LineRules.IsOpen, l => LineRules.IsOpenStatus(l.Status));
    }

    [Fact]
    public async Task AwaitingADecisionMeansOpenConsentRequiredAndNoAnswer()
    {
        Assert.Equal(["line 1", "line 3"], await NamesWhereAsync(LineRules.AwaitsDecision));
        await AssertPlainRuleAgreesAsync(LineRules.AwaitsDecision, l => LineRules.AwaitsDecisionFor(l.Status, l.ConsentRequired, l.CustomerResponse));
    }

    [Fact]
    public async Task OverdueMeansAnEtaBeforeTodayNeverAnUnknownOne()
    {
        Assert.Equal(["line 1", "line 5"], await NamesWhereAsync(LineRules.IsOverdueOn(Today)));
        await AssertPlainRuleAgreesAsync(LineRules.IsOverdueOn(Today), l => LineRules.IsOverdue(l.Eta, Today));
    }

    [Fact]
    public async Task OpenQuantityIsOrderedLessShippedLessCancelled()
    {
        Assert.Equal(["line 1", "line 2", "line 3"], await NamesWhereAsync(LineRules.HasOpenQuantity));
        await using var db = database.CreateDbContext();
        var quantities = await db.OrderLines.Where(l => lineIds.Contains(l.Id)).OrderBy(l => l.LineNumber).Select(LineRules.OpenQuantityOf).ToListAsync();
        Assert.Equal([5, 3, 5, 0, 0, 0], quantities);
    }

    [Fact]
    public async Task AnEtaDiffersFromANewDateOrFromUnknown()
    {
        // The ETA change claims these lines in SQL and checks versions with the plain twin on lines it read.
        Assert.Equal(["line 1", "line 3", "line 4", "line 5", "line 6"], await NamesWhereAsync(EtaChangeRules.DiffersFrom(Today)));
        Assert.Equal(["line 1", "line 2", "line 4", "line 5", "line 6"], await NamesWhereAsync(EtaChangeRules.DiffersFrom(null)));
        await AssertPlainRuleAgreesAsync(EtaChangeRules.DiffersFrom(Today), l => EtaChangeRules.Differs(l.Eta, Today));
        await AssertPlainRuleAgreesAsync(EtaChangeRules.DiffersFrom(null), l => EtaChangeRules.Differs(l.Eta, null));
    }

    [Fact]
    public void SlipCountsDaysFromPromiseToEta()
    {
        Assert.Equal(12, LineRules.SlipDays(new DateOnly(2026, 2, 25), new DateOnly(2026, 3, 9)));
        Assert.Equal(-3, LineRules.SlipDays(new DateOnly(2026, 3, 9), new DateOnly(2026, 3, 6)));
        Assert.Null(LineRules.SlipDays(null, new DateOnly(2026, 3, 6)));
        Assert.Null(LineRules.SlipDays(new DateOnly(2026, 3, 6), null));
    }

    private async Task<List<string>> NamesWhereAsync(System.Linq.Expressions.Expression<Func<OrderLine, bool>> rule)
    {
        await using var db = database.CreateDbContext();
        var found = await db.OrderLines.Where(l => lineIds.Contains(l.Id)).Where(rule).Select(l => l.Id).ToListAsync();
        return ids.Where(pair => found.Contains(pair.Value)).Select(pair => pair.Key).Order().ToList();
    }

    private async Task AssertPlainRuleAgreesAsync(System.Linq.Expressions.Expression<Func<OrderLine, bool>> rule, Func<OrderLine, bool> plain)
    {
        await using var db = database.CreateDbContext();
        var lines = await db.OrderLines.AsNoTracking().Where(l => lineIds.Contains(l.Id)).ToListAsync();
        Assert.Equal(6, lines.Count);
        Assert.Equal(await NamesWhereAsync(rule), ids.Where(pair => plain(lines.Single(l => l.Id == pair.Value))).Select(pair => pair.Key).Order().ToList());
    }
}
