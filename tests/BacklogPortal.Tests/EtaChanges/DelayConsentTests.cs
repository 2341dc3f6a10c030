using BacklogPortal.Domain;
using BacklogPortal.EtaChanges;
using BacklogPortal.Tests.Infrastructure;
using static BacklogPortal.Tests.EtaChanges.EtaTestData;

namespace BacklogPortal.Tests.EtaChanges;

/// <summary>The FTC consent rule as the database applies it in the set-based update.</summary>
public sealed class DelayConsentTests(PortalAppFactory factory) : IClassFixture<PortalAppFactory>
{
    private readonly EtaTestData data = new(factory);

    public static TheoryData<string, int?, int?, bool, bool> Cases => new()
    {
        // case, old ETA (days after promise; null = unknown), new ETA (same), consent before, consent after
        { "first delay of 30 days counts as accepted", 0, 30, false, false },
        { "first delay of 31 days needs consent", 0, 31, false, true },
        { "a second delay needs consent", 10, 20, false, true },
        { "moving within the promise needs nothing", -10, -2, false, false },
        { "back to the promised date clears the need", 40, 0, true, false },
        { "earlier but still late keeps the need", 40, 35, true, true },
        { "earlier but still late keeps silence-is-consent", 20, 10, false, false },
        { "from unknown to a date keeps the need", null, 12, true, true },
        { "to unknown needs consent", 5, null, false, true },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task ConsentFollowsTheFtcRule(string description, int? oldDays, int? newDays, bool consentBefore, bool consentAfter)
    {
        var (product, _) = await CaseLineAsync(oldDays, consentBefore);

        await data.Service.ChangeAsync(Request(EtaChangeTarget.ForSku(product.Sku), Day(newDays)));

        var line = (await data.LinesOfAsync(product)).Single();
        Assert.True(consentAfter == line.ConsentRequired, description);
    }

    /// <summary>
    /// The same cases through a change of one selected line, which SQLite writes in a group with the rule evaluated
    /// on the line as read instead of in the UPDATE (decision 017): both ways must write the same flag.
    /// </summary>
    [Theory]
    [MemberData(nameof(Cases))]
    public async Task ASingleLineChangeFollowsTheSameRule(string description, int? oldDays, int? newDays, bool consentBefore, bool consentAfter)
    {
        var (product, before) = await CaseLineAsync(oldDays, consentBefore);

        var result = await data.Service.ChangeAsync(Request(EtaChangeTarget.ForLine(before.Id, before.Version), Day(newDays)));

        Assert.Equal(EtaChangeOutcome.Changed, result.Outcome);
        Assert.True(consentAfter == (await data.LinesOfAsync(product)).Single().ConsentRequired, description);
    }

    [Fact]
    public async Task ASingleLineChangeResetsALaterDatesAnswerAndKeepsAnEarlierOnes()
    {
        var later = await data.ProductWithLinesAsync(1, new LineSpec(Promised.AddDays(5), Response: CustomerResponse.AcceptedNewDate));
        var earlier = await data.ProductWithLinesAsync(1, new LineSpec(Promised.AddDays(5), Response: CustomerResponse.AcceptedNewDate));
        var laterLine = (await data.LinesOfAsync(later)).Single();
        var earlierLine = (await data.LinesOfAsync(earlier)).Single();

        await Task.WhenAll(
            data.Service.ChangeAsync(Request(EtaChangeTarget.ForLine(laterLine.Id, laterLine.Version), Promised.AddDays(8))),
            data.Service.ChangeAsync(Request(EtaChangeTarget.ForLine(earlierLine.Id, earlierLine.Version), Promised.AddDays(2), EtaReasonCode.StockArrivedEarly)));

        var movedLater = (await data.LinesOfAsync(later)).Single();
        var movedEarlier = (await data.LinesOfAsync(earlier)).Single();
        Assert.Equal((CustomerResponse.None, (string?)null, (DateTimeOffset?)null), (movedLater.CustomerResponse, movedLater.CustomerRespondedBy, movedLater.CustomerRespondedAt));
        Assert.Equal((CustomerResponse.AcceptedNewDate, "customer@example.com"), (movedEarlier.CustomerResponse, movedEarlier.CustomerRespondedBy));
        Assert.NotNull(movedEarlier.CustomerRespondedAt);
    }

    [Fact]
    public async Task APromisedDateUnknownMakesEveryDelayNeedConsent()
    {
        var product = await data.ProductWithLinesAsync(1, new LineSpec(Promised));
        await using (var db = await data.DbAsync())
        {
            var line = db.OrderLines.Single(l => l.ProductId == product.Id);
            line.PromisedDate = null;
            await db.SaveChangesAsync();
        }

        await data.Service.ChangeAsync(Request(EtaChangeTarget.ForSku(product.Sku), Promised.AddDays(1)));

        Assert.True((await data.LinesOfAsync(product)).Single().ConsentRequired);
    }

    [Fact]
    public async Task ALaterDateResetsTheCustomersAnswerAndAnEarlierOneKeepsIt()
    {
        var later = await data.ProductWithLinesAsync(1, new LineSpec(Promised.AddDays(5), Response: CustomerResponse.AcceptedNewDate));
        var earlier = await data.ProductWithLinesAsync(1, new LineSpec(Promised.AddDays(5), Response: CustomerResponse.AcceptedNewDate));

        await data.Service.ChangeAsync(Request(EtaChangeTarget.ForSku(later.Sku), Promised.AddDays(8)));
        await data.Service.ChangeAsync(Request(EtaChangeTarget.ForSku(earlier.Sku), Promised.AddDays(2), EtaReasonCode.StockArrivedEarly));

        var movedLater = (await data.LinesOfAsync(later)).Single();
        var movedEarlier = (await data.LinesOfAsync(earlier)).Single();
        Assert.Equal((CustomerResponse.None, (string?)null), (movedLater.CustomerResponse, movedLater.CustomerRespondedBy));
        Assert.Equal((CustomerResponse.AcceptedNewDate, "customer@example.com"), (movedEarlier.CustomerResponse, movedEarlier.CustomerRespondedBy));
    }

    /// <summary>
    /// The rule compiled to .NET (as the demo seeder runs it) against what the database's UPDATE wrote
    /// for the same line: the two evaluations of one expression must agree in every case.
    /// </summary>
    [Theory]
    [MemberData(nameof(Cases))]
    public async Task TheCompiledRuleAgreesWithTheDatabase(string description, int? oldDays, int? newDays, bool consentBefore, bool consentAfter)
    {
        var (product, before) = await CaseLineAsync(oldDays, consentBefore);
        var compiled = DelayConsent.RequiredAfter(Day(newDays)).Compile()(before);

        await data.Service.ChangeAsync(Request(EtaChangeTarget.ForSku(product.Sku), Day(newDays)));

        var written = (await data.LinesOfAsync(product)).Single().ConsentRequired;
        Assert.True(written == compiled, $"{description}: the database wrote {written}, the compiled rule says {compiled}");
        Assert.True(consentAfter == written, description);
    }

    private static DateOnly? Day(int? days) => days is { } d ? Promised.AddDays(d) : null;

    /// <summary>One line of a case: its ETA <paramref name="oldDays"/> after the promise, already moved once unless on it.</summary>
    private async Task<(Product Product, OrderLine Line)> CaseLineAsync(int? oldDays, bool consentBefore)
    {
        var product = await data.ProductWithLinesAsync(1, new LineSpec(Day(oldDays), ConsentRequired: consentBefore, EtaChangeCount: oldDays is 0 ? 0 : 1));
        return (product, (await data.LinesOfAsync(product)).Single());
    }
}
