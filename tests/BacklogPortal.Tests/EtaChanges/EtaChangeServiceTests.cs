using BacklogPortal.Domain;
using BacklogPortal.EtaChanges;
using BacklogPortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using static BacklogPortal.Tests.EtaChanges.EtaTestData;

namespace BacklogPortal.Tests.EtaChanges;

public sealed class EtaChangeServiceTests(PortalAppFactory factory) : IClassFixture<PortalAppFactory>
{
    private readonly EtaTestData data = new(factory);

    [Fact]
    public async Task SingleLineChangeWritesTheLineItsAuditRowAndItsOutboxRowTogether()
    {
        var product = await data.ProductWithLinesAsync(1, new LineSpec(Promised));
        var before = (await data.LinesOfAsync(product)).Single();
        var newEta = Promised.AddDays(12);

        var started = DateTimeOffset.UtcNow;
        var result = await data.Service.ChangeAsync(Request(EtaChangeTarget.ForLine(before.Id, before.Version), newEta,
            EtaReasonCode.Transport, "  Container held at port  "));

        Assert.Equal(EtaChangeOutcome.Changed, result.Outcome);
        Assert.Equal(1, result.LinesChanged);
        Assert.Equal(1, result.CustomersAffected);
        var line = (await data.LinesOfAsync(product)).Single();
        Assert.Equal(newEta, line.Eta);
        Assert.Equal(1, line.EtaChangeCount);
        Assert.Equal(before.Version + 1, line.Version);
        Assert.False(line.ConsentRequired); // a first delay of 12 days: silence counts as consent

        var change = Assert.Single(await data.ChangesOfAsync(product));
        Assert.Equal((line.Id, line.CustomerId), (change.OrderLineId, change.CustomerId));
        Assert.Equal((Promised, newEta), (change.OldEta!.Value, change.NewEta!.Value));
        Assert.Equal(EtaReasonCode.Transport, change.ReasonCode);
        Assert.Equal("Container held at port", change.ReasonText);
        Assert.Equal(ChangeSource.Staff, change.Source);
        Assert.Equal("staff@example.com", change.ChangedBy);
        Assert.Equal(result.BatchId, change.BatchId);
        Assert.InRange(change.ChangedAt, started.AddSeconds(-1), DateTimeOffset.UtcNow.AddSeconds(1));
        Assert.Equal(TimeSpan.Zero, change.ChangedAt.Offset);

        var entry = Assert.Single(await data.OutboxOfAsync(product));
        Assert.Equal((line.CustomerId, NotificationKind.EtaChanged, line.Id, change.Id), (entry.CustomerId, entry.Kind, entry.OrderLineId!.Value, entry.EtaChangeId!.Value));
        Assert.Equal(change.ChangedAt, entry.CreatedAt);
        Assert.Null(entry.ProcessedAt);
        Assert.Null(entry.NotificationId);
    }

    [Fact]
    public async Task SkuChangeLeavesShippedCancelledAndAlreadyMovedLinesAlone()
    {
        var newEta = Promised.AddDays(20);
        var product = await data.ProductWithLinesAsync(3,
            new LineSpec(Promised),
            new LineSpec(Promised, LineStatus.PartiallyShipped),
            new LineSpec(null),
            new LineSpec(Promised, LineStatus.Shipped),
            new LineSpec(Promised, LineStatus.Cancelled),
            new LineSpec(newEta));
        var before = await data.LinesOfAsync(product);

        var result = await data.Service.ChangeAsync(Request(EtaChangeTarget.ForSku(product.Sku), newEta));

        Assert.Equal(EtaChangeOutcome.Changed, result.Outcome);
        Assert.Equal(3, result.LinesChanged);
        Assert.Equal(3, result.CustomersAffected);
        var after = await data.LinesOfAsync(product);
        Assert.All(after.Take(3), l => Assert.Equal(newEta, l.Eta));
        Assert.All(after.Take(3), l => Assert.Equal(1, l.EtaChangeCount));
        // Left alone: not even their version moves, so nobody editing them gets a needless conflict.
        Assert.Equal(before.Skip(3).Select(l => (l.Eta, l.Version, l.EtaChangeCount)), after.Skip(3).Select(l => (l.Eta, l.Version, l.EtaChangeCount)));
        var changes = (await data.ChangesOfAsync(product)).OrderBy(c => c.OrderLineId).ToList();
        Assert.Equal(after.Take(3).Select(l => l.Id), changes.Select(c => c.OrderLineId));
        Assert.Equal(new DateOnly?[] { Promised, Promised, null }, changes.Select(c => c.OldEta));
        Assert.Equal(changes.Select(c => c.Id).Order(), (await data.OutboxOfAsync(product)).Select(e => e.EtaChangeId!.Value).Order());
    }

    [Fact]
    public async Task EtaCanBecomeUnknownAndThatAsksTheCustomerAgain()
    {
        var product = await data.ProductWithLinesAsync(1,
            new LineSpec(Promised.AddDays(5), EtaChangeCount: 1, Response: CustomerResponse.AcceptedNewDate),
            new LineSpec(null));

        var result = await data.Service.ChangeAsync(Request(EtaChangeTarget.ForSku(product.Sku), null, EtaReasonCode.Production, null));

        Assert.Equal(1, result.LinesChanged);
        var line = (await data.LinesOfAsync(product))[0];
        Assert.Null(line.Eta);
        Assert.True(line.ConsentRequired);
        Assert.Equal(CustomerResponse.None, line.CustomerResponse);
        Assert.Null(line.CustomerRespondedAt);
        Assert.Null(line.CustomerRespondedBy);
        var change = Assert.Single(await data.ChangesOfAsync(product));
        Assert.Equal(Promised.AddDays(5), change.OldEta);
        Assert.Null(change.NewEta);
        Assert.Null(change.ReasonText);
    }

    [Fact]
    public async Task StaleVersionGetsAConflictAndChangesNothing()
    {
        var product = await data.ProductWithLinesAsync(1, new LineSpec(Promised));
        var seenByBoth = (await data.LinesOfAsync(product)).Single();

        var first = await data.Service.ChangeAsync(Request(EtaChangeTarget.ForLine(seenByBoth.Id, seenByBoth.Version), Promised.AddDays(3)));
        var second = await data.Service.ChangeAsync(Request(EtaChangeTarget.ForLine(seenByBoth.Id, seenByBoth.Version), Promised.AddDays(9)));

        Assert.Equal(EtaChangeOutcome.Changed, first.Outcome);
        Assert.Equal(EtaChangeOutcome.Conflict, second.Outcome);
        Assert.Equal(EtaChangeService.LineConflictMessage, second.Message);
        Assert.Equal(0, second.LinesChanged);
        var line = (await data.LinesOfAsync(product)).Single();
        Assert.Equal((Promised.AddDays(3), 1, seenByBoth.Version + 1), (line.Eta!.Value, line.EtaChangeCount, line.Version));
        Assert.Single(await data.ChangesOfAsync(product));
        Assert.Single(await data.OutboxOfAsync(product));
    }

    [Fact]
    public async Task StaleVersionIsAConflictEvenWhenTheLineIsAlreadyAtTheRequestedDate()
    {
        var product = await data.ProductWithLinesAsync(1, new LineSpec(Promised));
        var seen = (await data.LinesOfAsync(product)).Single();
        await data.Service.ChangeAsync(Request(EtaChangeTarget.ForSku(product.Sku), Promised.AddDays(3)));

        var result = await data.Service.ChangeAsync(Request(EtaChangeTarget.ForLine(seen.Id, seen.Version), Promised.AddDays(3)));

        Assert.Equal(EtaChangeOutcome.Conflict, result.Outcome);
    }

    [Fact]
    public async Task CurrentVersionAtTheRequestedDateChangesNothingAndSaysSo()
    {
        var product = await data.ProductWithLinesAsync(1, new LineSpec(Promised));
        var line = (await data.LinesOfAsync(product)).Single();

        var result = await data.Service.ChangeAsync(Request(EtaChangeTarget.ForLine(line.Id, line.Version), Promised));

        Assert.Equal(EtaChangeOutcome.NothingToChange, result.Outcome);
        Assert.True(result.Succeeded);
        Assert.Equal(line.Version, (await data.LinesOfAsync(product)).Single().Version);
        Assert.Empty(await data.ChangesOfAsync(product));
    }

    [Fact]
    public async Task BulkChangeThenAnEditorWithTheOldVersionGetsAConflictAndTheBulkDateStays()
    {
        var product = await data.ProductWithLinesAsync(2, new LineSpec(Promised), new LineSpec(Promised));
        var editorSaw = (await data.LinesOfAsync(product))[0];

        await data.Service.ChangeAsync(Request(EtaChangeTarget.ForSku(product.Sku), Promised.AddDays(40)));
        var edit = await data.Service.ChangeAsync(Request(EtaChangeTarget.ForLine(editorSaw.Id, editorSaw.Version), Promised.AddDays(2)));

        Assert.Equal(EtaChangeOutcome.Conflict, edit.Outcome);
        Assert.All(await data.LinesOfAsync(product), l => Assert.Equal(Promised.AddDays(40), l.Eta));
    }

    [Fact]
    public async Task BulkChangesOverlappingSingleLineEditsLoseNoUpdate()
    {
        var specs = Enumerable.Range(0, 300).Select(_ => new LineSpec(Promised)).ToArray();
        var product = await data.ProductWithLinesAsync(30, specs);
        var lines = await data.LinesOfAsync(product);
        var service = data.Service;

        // Several rounds of a bulk change racing single-line editors who read the line just before.
        var editResults = new List<(int LineId, EtaChangeResult Result)>();
        for (var round = 1; round <= 5; round++)
        {
            var current = await data.LinesOfAsync(product);
            var edited = current.Where((_, i) => i % 25 == round).ToList();
            var bulk = Task.Run(() => service.ChangeAsync(Request(EtaChangeTarget.ForSku(product.Sku), Promised.AddDays(10 * round))));
            var edits = edited.Select(l => Task.Run(async () =>
                (l.Id, await service.ChangeAsync(Request(EtaChangeTarget.ForLine(l.Id, l.Version), Promised.AddDays(10 * round + 1)))))).ToList();
            var bulkResult = await bulk;
            editResults.AddRange(await Task.WhenAll(edits));
            Assert.Equal(EtaChangeOutcome.Changed, bulkResult.Outcome);
        }

        Assert.All(editResults, r => Assert.Contains(r.Result.Outcome, new[] { EtaChangeOutcome.Changed, EtaChangeOutcome.Conflict }));
        var after = await data.LinesOfAsync(product);
        var changes = await data.ChangesOfAsync(product);
        var outbox = await data.OutboxOfAsync(product);
        Assert.Equal(changes.Count, outbox.Count);
        Assert.Equal(changes.Count, after.Sum(l => l.EtaChangeCount));
        foreach (var line in after)
        {
            var history = changes.Where(c => c.OrderLineId == line.Id).ToList();
            Assert.Equal(history.Count, line.EtaChangeCount);
            // The history is an unbroken chain: each change starts where the one before ended, and
            // the line holds the last one's date. A lost update would break the chain.
            Assert.Equal(Promised, history[0].OldEta);
            Assert.All(history.Zip(history.Skip(1)), pair => Assert.Equal(pair.First.NewEta, pair.Second.OldEta));
            Assert.Equal(history[^1].NewEta, line.Eta);
            Assert.Equal(lines.Single(l => l.Id == line.Id).Version + history.Count, line.Version);
        }
        var editDates = Enumerable.Range(1, 5).Select(round => (DateOnly?)Promised.AddDays(10 * round + 1)).ToHashSet();
        Assert.Equal(editResults.Count(r => r.Result.Outcome == EtaChangeOutcome.Changed), changes.Count(c => editDates.Contains(c.NewEta)));
    }

    [Fact]
    public async Task SelectedLinesChangeTogetherAndAStaleOneRefusesTheWholeSelection()
    {
        var product = await data.ProductWithLinesAsync(2, new LineSpec(Promised), new LineSpec(Promised), new LineSpec(Promised));
        var seen = await data.LinesOfAsync(product);
        await data.Service.ChangeAsync(Request(EtaChangeTarget.ForLine(seen[2].Id, seen[2].Version), Promised.AddDays(1)));

        var stale = await data.Service.ChangeAsync(Request(EtaChangeTarget.ForLines(seen.Select(l => new LineVersion(l.Id, l.Version))), Promised.AddDays(7)));
        var current = await data.LinesOfAsync(product);
        var fresh = await data.Service.ChangeAsync(Request(EtaChangeTarget.ForLines(current.Select(l => new LineVersion(l.Id, l.Version))), Promised.AddDays(7)));

        Assert.Equal(EtaChangeOutcome.Conflict, stale.Outcome);
        Assert.Equal(EtaChangeService.BulkConflictMessage, stale.Message);
        Assert.Equal(EtaChangeOutcome.Changed, fresh.Outcome);
        Assert.Equal(3, fresh.LinesChanged);
        Assert.Equal(2, fresh.CustomersAffected);
        Assert.All(await data.LinesOfAsync(product), l => Assert.Equal(Promised.AddDays(7), l.Eta));
        Assert.Equal(4, (await data.ChangesOfAsync(product)).Count);
    }

    [Fact]
    public async Task OrderChangeMovesOnlyThatOrdersOpenLines()
    {
        var product = await data.ProductWithLinesAsync(2,
            new LineSpec(Promised), new LineSpec(Promised), new LineSpec(Promised, LineStatus.Shipped), new LineSpec(Promised));
        await using var db = await data.DbAsync();
        var lines = await data.LinesOfAsync(product);
        var orderNumber = await db.Orders.Where(o => o.Id == lines[0].OrderId).Select(o => o.OrderNumber).SingleAsync();

        var result = await data.Service.ChangeAsync(Request(EtaChangeTarget.ForOrder(orderNumber), Promised.AddDays(4)));

        Assert.Equal(1, result.LinesChanged); // lines 0 and 2 share the order; 2 is shipped
        var after = await data.LinesOfAsync(product);
        Assert.Equal(new DateOnly?[] { Promised.AddDays(4), Promised, Promised, Promised }, after.Select(l => l.Eta));
    }

    [Fact]
    public async Task PreviewCountsMatchWhatTheChangeThenApplies()
    {
        var product = await data.ProductWithLinesAsync(3,
            new LineSpec(Promised), new LineSpec(Promised), new LineSpec(Promised.AddDays(9)), new LineSpec(Promised, LineStatus.Shipped),
            new LineSpec(Promised), new LineSpec(null));
        var target = EtaChangeTarget.ForSku(product.Sku);

        var preview = await data.Service.PreviewAsync(target, Promised.AddDays(9));
        var result = await data.Service.ChangeAsync(Request(target, Promised.AddDays(9)));
        var previewAfter = await data.Service.PreviewAsync(target, Promised.AddDays(9));

        Assert.Equal((4, 3), (preview.Lines, preview.Customers));
        Assert.Equal((preview.Lines, preview.Customers), (result.LinesChanged, result.CustomersAffected));
        Assert.Equal("4 lines of 3 customers will change.", preview.Summary);
        Assert.Equal(0, previewAfter.Lines);
    }

    public static TheoryData<string, DateOnly?, EtaReasonCode?, string?, string> InvalidRequests => new()
    {
        { "NewEta", new DateOnly(1999, 12, 31), EtaReasonCode.SupplierDelay, null, "before 2000" },
        { "NewEta", DateOnly.FromDateTime(DateTime.UtcNow).AddYears(5).AddDays(2), EtaReasonCode.SupplierDelay, null, "more than 5 years ahead" },
        { "ReasonCode", Promised, null, "text", "Choose a reason" },
        { "ReasonCode", Promised, (EtaReasonCode)99, "text", "does not exist" },
        { "ReasonText", Promised, EtaReasonCode.Transport, new string('x', 501), "at most 500" },
        { "ReasonText", Promised, EtaReasonCode.Other, "  ", "Describe the reason" },
        // A NUL cut the plain-text part of the email short and dropped its links; staff, import and API all reach this rule.
        { "ReasonText", Promised, EtaReasonCode.Transport, "Ship\0 delayed", "control character (U+0000)" },
        { "ReasonText", Promised, EtaReasonCode.Other, "Port strike\nsee note", "control character (U+000A)" },
    };

    [Theory]
    [MemberData(nameof(InvalidRequests))]
    public async Task InvalidInputIsRejectedWithAMessageAndNothingIsWritten(string field, DateOnly? newEta, EtaReasonCode? reason, string? text, string message)
    {
        var product = await data.ProductWithLinesAsync(1, new LineSpec(Promised));

        var result = await data.Service.ChangeAsync(Request(EtaChangeTarget.ForSku(product.Sku), newEta, reason, text));

        Assert.Equal(EtaChangeOutcome.Invalid, result.Outcome);
        var error = Assert.Single(result.Errors);
        Assert.Equal(field, error.Field);
        Assert.Contains(message, error.Message);
        Assert.Equal(Promised, (await data.LinesOfAsync(product)).Single().Eta);
        Assert.Empty(await data.ChangesOfAsync(product));
    }

    [Fact]
    public async Task UnknownSkuAndEmptySelectionAreRejectedWithMessages()
    {
        var unknownSku = await data.Service.ChangeAsync(Request(EtaChangeTarget.ForSku("NO-SUCH-SKU"), Promised));
        var empty = await data.Service.ChangeAsync(Request(EtaChangeTarget.ForLines([]), Promised));
        var noAuthor = await data.Service.ChangeAsync(Request(EtaChangeTarget.ForSku("NO-SUCH-SKU"), Promised, changedBy: " "));

        Assert.Equal("There is no product with SKU NO-SUCH-SKU.", Assert.Single(unknownSku.Errors).Message);
        Assert.Equal("Select at least one line.", Assert.Single(empty.Errors).Message);
        Assert.Equal("ChangedBy", Assert.Single(noAuthor.Errors).Field);
    }
}
