using System.Text;
using BacklogPortal.Data;
using BacklogPortal.Domain;
using BacklogPortal.EtaChanges;
using BacklogPortal.Import;
using BacklogPortal.Notifications;
using BacklogPortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace BacklogPortal.Tests.Import;

/// <summary>
/// The import against a real SQLite file through the real ETA write path. The backlog: order SO-T9000
/// (Northwind) with lines 1 KB-1, 2 MS-1, 3 KB-1 shipped; order SO-T9001 (Contoso) with lines 1 MS-1,
/// 2 KB-1 cancelled. Today is 2026-11-26.
/// </summary>
public sealed class EtaImportTests : IAsyncLifetime
{
    private const string Header = "order_number,line_number,sku,new_eta,reason_code,reason_text";
    private const string Columns = "order_number,line_number,sku,new_eta,reason_code,reason_text";
    private const string ReasonCodes = "supplierDelay, production, transport, releaseDateMoved, stockArrivedEarly, other";
    private static readonly DateOnly Today = new(2026, 11, 26);

    private readonly FakeTimeProvider clock = new(new DateTimeOffset(2026, 11, 26, 9, 30, 0, TimeSpan.Zero));
    private TestDatabase database = default!;

    public async Task InitializeAsync()
    {
        database = await TestDatabase.CreateAsync();
        var builder = new BacklogBuilder(database);
        var northwind = await builder.CustomerAsync("Northwind Traders");
        var contoso = await builder.CustomerAsync("Contoso Retail");
        var keyboard = await builder.ProductAsync("KB-1", "Keyboard");
        var mouse = await builder.ProductAsync("MS-1", "Mouse");
        await builder.OrderAsync(northwind, Today.AddDays(-10), (keyboard, Today.AddDays(5)), (mouse, Today.AddDays(5)), (keyboard, Today.AddDays(5)));
        await builder.OrderAsync(contoso, Today.AddDays(-3), (mouse, Today.AddDays(10)), (keyboard, Today.AddDays(10)));
        await using var db = database.CreateDbContext();
        await db.OrderLines.Where(l => l.Order!.OrderNumber == "SO-T9000" && l.LineNumber == 3)
            .ExecuteUpdateAsync(s => s.SetProperty(l => l.Status, LineStatus.Shipped).SetProperty(l => l.QuantityShipped, 5));
        await db.OrderLines.Where(l => l.Order!.OrderNumber == "SO-T9001" && l.LineNumber == 2)
            .ExecuteUpdateAsync(s => s.SetProperty(l => l.Status, LineStatus.Cancelled).SetProperty(l => l.QuantityCancelled, 5));
    }

    public async Task DisposeAsync() => await database.DisposeAsync();

    public static TheoryData<string, string, ImportProblem> BadFiles => new()
    {
        { "missing column", "order_number,line_number,sku,new_eta,reason_code\nSO-T9000,1,,2026-12-20,transport\n",
            new(1, "reason_text", "", $"The header has no column reason_text; the columns are {Columns}.") },
        { "extra column", Header + ",note\nSO-T9000,1,,2026-12-20,transport,,x\n",
            new(1, "note", "note", $"Unexpected column \"note\"; the columns are {Columns}.") },
        { "extra field", Header + "\nSO-T9000,1,,2026-12-20,transport,Port,extra\n",
            new(2, "", "SO-T9000,1,,2026-12-20,transport,Port,extra", "The row has 7 fields; the header has 6. Check for a missing or extra separator (',').") },
        { "missing field", Header + "\nSO-T9000,1,,2026-12-20,transport\n",
            new(2, "", "SO-T9000,1,,2026-12-20,transport", "The row has 5 fields; the header has 6. Check for a missing or extra separator (',').") },
        { "bad date", Header + "\nSO-T9000,1,,20/12/2026,transport,\n",
            new(2, "new_eta", "20/12/2026", "Not a date: write it as yyyy-MM-dd (e.g. 2027-03-31), or leave it empty for \"not yet known\".") },
        { "date in the past", Header + "\nSO-T9000,1,,2026-11-25,transport,\n",
            new(2, "new_eta", "2026-11-25", "The date lies in the past (today is 2026-11-26); an ETA is today or later, or empty for \"not yet known\".") },
        { "unknown order", Header + "\nSO-X1,1,,2026-12-20,transport,\n",
            new(2, "order_number", "SO-X1", "There is no order SO-X1.") },
        { "unknown line", Header + "\nSO-T9000,9,,2026-12-20,transport,\n",
            new(2, "line_number", "9", "Order SO-T9000 has no line 9.") },
        { "bad line number", Header + "\nSO-T9000,one,,2026-12-20,transport,\n",
            new(2, "line_number", "one", "Not a line number: enter a whole number from 1.") },
        { "unknown SKU", Header + "\n,,ZZ-9,2026-12-20,transport,\n",
            new(2, "sku", "ZZ-9", "There is no product with SKU ZZ-9.") },
        { "line and SKU", Header + "\nSO-T9000,1,KB-1,2026-12-20,transport,\n",
            new(2, "sku", "KB-1", "Name either an order line (order_number and line_number) or a SKU, not both.") },
        { "neither line nor SKU", Header + "\n,,,2026-12-20,transport,\n",
            new(2, "order_number", "", "Name an order line (order_number and line_number) or a SKU.") },
        { "same line twice", Header + "\nSO-T9000,1,,2026-12-20,transport,\nSO-T9000,1,,2026-12-21,transport,\n",
            new(3, "line_number", "1", "The same line as row 2.") },
        { "same SKU twice", Header + "\n,,MS-1,2026-12-20,transport,\n,,MS-1,2026-12-21,transport,\n",
            new(3, "sku", "MS-1", "The same SKU as row 2.") },
        { "line also in a SKU row", Header + "\n,,KB-1,2026-12-20,transport,\nSO-T9000,1,,2026-12-21,transport,\n",
            new(3, "line_number", "1", "Line 1 of order SO-T9000 is also changed by row 2 (all open lines of SKU KB-1).") },
        { "shipped line", Header + "\nSO-T9000,3,,2026-12-20,transport,\n",
            new(2, "line_number", "3", "Line 3 of order SO-T9000 is shipped; its ETA can no longer change.") },
        { "cancelled line", Header + "\nSO-T9001,2,,2026-12-20,transport,\n",
            new(2, "line_number", "2", "Line 2 of order SO-T9001 is cancelled; its ETA can no longer change.") },
        { "unknown reason code", Header + "\nSO-T9000,1,,2026-12-20,weather,\n",
            new(2, "reason_code", "weather", $"Unknown reason code; use one of {ReasonCodes}.") },
        { "missing reason code", Header + "\nSO-T9000,1,,2026-12-20,,\n",
            new(2, "reason_code", "", $"Enter a reason code: {ReasonCodes}.") },
        { "other without text", Header + "\nSO-T9000,1,,2026-12-20,other,\n",
            new(2, "reason_text", "", "Describe the reason when the reason code is other.") },
        { "control character", Header + "\nSO-T9000,1,,2026-12-20,transport,Port\u0007\n",
            new(2, "reason_text", "Port\\u0007", "The value contains a control character (U+0007); remove it.") },
        { "stray quote", Header + "\nSO-T9000,1,,2026-12-20,transport,Port \"A\"\n",
            new(2, "", "SO-T9000,1,,2026-12-20,transport,Port \"A\"", "A quote (\") inside a value that does not start with a quote; double it or quote the whole value.") },
        { "empty file", "", new(0, "", "", $"The file is empty. It needs the header row {Columns} and at least one row.") },
        { "header only", Header + "\n", new(0, "", "", "The file has a header but no rows.") },
    };

    [Theory]
    [MemberData(nameof(BadFiles))]
    public async Task BadFileIsRejectedWithItsRowsProblemAndNothingChanges(string because, string file, ImportProblem expected)
    {
        var before = await SnapshotAsync();

        var outcome = await Import().ApplyAsync(Encoding.UTF8.GetBytes(file), "erp.csv", "staff@example.com");

        Assert.Null(outcome.Result);
        var problem = Assert.Single(outcome.Check.Problems);
        Assert.True(expected == problem, $"{because}: expected {expected}, got {problem}");
        Assert.Equal(before, await SnapshotAsync());
    }

    [Fact]
    public async Task Utf16FileIsRefusedWithAClearMessage()
    {
        var bytes = Encoding.Unicode.GetPreamble().Concat(Encoding.Unicode.GetBytes(Header + "\nSO-T9000,1,,2026-12-20,transport,\n")).ToArray();

        var check = await Import().CheckAsync(bytes, "erp.csv");

        Assert.Equal(new ImportProblem(0, "", "", "The file is saved as UTF-16 (\"Unicode text\"). Save it as \"CSV UTF-8\" and upload it again."), Assert.Single(check.Problems));
    }

    [Fact]
    public async Task TextThatIsNeitherUtf8NorWindows1252IsRefused()
    {
        var bytes = Encoding.ASCII.GetBytes(Header + "\nSO-T9000,1,,2026-12-20,transport,Port ").Concat(new byte[] { 0x81, 0x0A }).ToArray();

        var check = await Import().CheckAsync(bytes, "erp.csv");

        Assert.Equal(new ImportProblem(0, "", "", "The file is neither UTF-8 nor Windows-1252 text. Save it as \"CSV UTF-8\" and upload it again."), Assert.Single(check.Problems));
    }

    [Fact]
    public async Task FileOverTheSizeLimitIsRefusedUnread()
    {
        var bytes = Encoding.UTF8.GetBytes(Header + "\nSO-T9000,1,,2026-12-20,transport," + new string('x', 2000) + "\n");

        var check = await Import(new ImportOptions { MaxFileBytes = 1024 }).CheckAsync(bytes, "erp.csv");

        Assert.Equal(new ImportProblem(0, "", "", "The file has 3 KB; at most 1 KB can be imported at once. Split it into smaller files."), Assert.Single(check.Problems));
    }

    [Fact]
    public async Task FileOverTheRowLimitIsRefused()
    {
        var bytes = Encoding.UTF8.GetBytes(Header + "\nSO-T9000,1,,2026-12-20,transport,\nSO-T9000,2,,2026-12-20,transport,\nSO-T9001,1,,2026-12-20,transport,\n");

        var check = await Import(new ImportOptions { MaxRows = 2 }).CheckAsync(bytes, "erp.csv");

        Assert.Equal(new ImportProblem(0, "", "", "The file has more than 2 rows; at most 2 can be imported at once. Split it into smaller files."), Assert.Single(check.Problems));
    }

    [Fact]
    public async Task EveryBadRowIsReportedNotJustTheFirst()
    {
        var file = Header + "\nSO-T9000,1,,2026-12-20,transport,\nSO-X1,1,,2026-12-20,transport,\nSO-T9000,2,,yesterday,weather,\n";

        var check = await Import().CheckAsync(Encoding.UTF8.GetBytes(file), "erp.csv");

        Assert.Equal(
            [(3, "order_number"), (4, "new_eta"), (4, "reason_code")],
            check.Problems.Select(p => (p.Row, p.Column)).ToArray());
        Assert.Equal(3, check.ProblemCount);
    }

    [Fact]
    public async Task GoodFileIsAppliedOnceWithAuditAndOutboxRowsFromTheImport()
    {
        // SO-T9000/1 moves later; every open line of MS-1 (SO-T9000/2, SO-T9001/1) becomes "not yet known".
        var file = "\uFEFF" + Header + "\r\nSO-T9000,1,,2026-12-20,supplierDelay,Supplier moved the shipment\r\n,,MS-1,,transport,\r\n";
        var bytes = Encoding.UTF8.GetBytes(file);

        var check = await Import().CheckAsync(bytes, "C:\\exports\\erp-2026-11-26.csv");
        Assert.True(check.IsValid, string.Join("; ", check.Problems));
        Assert.Equal("erp-2026-11-26.csv", check.FileName);
        Assert.Null(check.EncodingNote);
        Assert.Equal(new EtaImportPreview(Lines: 3, Customers: 2, Later: 1, Earlier: 0, Unknown: 2, Unchanged: 0), check.Preview);

        var progress = new List<double>();
        var outcome = await Import().ApplyAsync(bytes, "C:\\exports\\erp-2026-11-26.csv", "staff@example.com", new ListProgress(progress));

        Assert.NotNull(outcome.Result);
        Assert.Equal((EtaChangeOutcome.Changed, 3, 2), (outcome.Result.Outcome, outcome.Result.LinesChanged, outcome.Result.CustomersAffected));
        Assert.Equal(1.0, progress[^1]);
        await using (var db = database.CreateDbContext())
        {
            var changes = await db.EtaChanges.OrderBy(c => c.Id).ToListAsync();
            Assert.Equal(3, changes.Count);
            Assert.All(changes, c => Assert.Equal(
                (ChangeSource.Import, "erp-2026-11-26.csv (imported by staff@example.com)", outcome.Result.BatchId, clock.GetUtcNow()),
                (c.Source, c.ChangedBy, c.BatchId, c.ChangedAt)));
            var later = Assert.Single(changes, c => c.NewEta is not null);
            Assert.Equal((new DateOnly(2026, 12, 1), new DateOnly(2026, 12, 20), EtaReasonCode.SupplierDelay, "Supplier moved the shipment"),
                (later.OldEta!.Value, later.NewEta!.Value, later.ReasonCode, later.ReasonText));
            Assert.Equal(2, changes.Count(c => c.NewEta is null && c.ReasonCode == EtaReasonCode.Transport && c.ReasonText is null));

            var outbox = await db.NotificationOutbox.OrderBy(e => e.EtaChangeId).ToListAsync();
            Assert.Equal(changes.Select(c => (c.Id, c.OrderLineId, c.CustomerId)), outbox.Select(e => (e.EtaChangeId!.Value, e.OrderLineId!.Value, e.CustomerId)));

            var lines = await db.OrderLines.Where(l => l.Status == LineStatus.Open).OrderBy(l => l.Id).Select(l => new { l.Eta, l.EtaChangeCount }).ToListAsync();
            Assert.Equal([(new DateOnly(2026, 12, 20), 1), (null, 1), (null, 1)], lines.Select(l => ((DateOnly?)l.Eta, l.EtaChangeCount)).ToArray());
        }

        var before = await SnapshotAsync();
        var again = await Import().ApplyAsync(bytes, "erp-2026-11-26.csv", "staff@example.com");

        Assert.Equal(new EtaImportPreview(0, 0, 0, 0, 0, Unchanged: 3), again.Check.Preview);
        Assert.Equal(EtaChangeOutcome.NothingToChange, again.Result!.Outcome);
        Assert.Equal(before, await SnapshotAsync());
    }

    [Fact]
    public async Task AnImportMovesEachChangedLinesVersionOnByOneSoAnEditorWhoSawItBeforeGetsAConflict()
    {
        // SO-T9000/1 gets a new date; SO-T9000/2 is named at the date it already has and stays as it is.
        var bytes = Encoding.UTF8.GetBytes(Header + "\nSO-T9000,1,,2026-12-20,supplierDelay,\nSO-T9000,2,,2026-12-01,transport,\n");
        Dictionary<int, long> before;
        await using (var db = database.CreateDbContext())
        {
            before = await VersionsAsync(db);
        }

        var outcome = await Import().ApplyAsync(bytes, "erp.csv", "staff@example.com");

        Assert.Equal((EtaChangeOutcome.Changed, 1), (outcome.Result!.Outcome, outcome.Result.LinesChanged));
        int changedLineId;
        await using (var db = database.CreateDbContext())
        {
            var after = await VersionsAsync(db);
            Assert.Equal(before.ToDictionary(v => v.Key, v => v.Key == 1 ? v.Value + 1 : v.Value), after);
            changedLineId = await db.OrderLines.Where(l => l.Order!.OrderNumber == "SO-T9000" && l.LineNumber == 1).Select(l => l.Id).SingleAsync();
        }

        // A staff member whose grid still shows the line as it was before the import.
        var stale = await new EtaChangeService(database, clock, new OutboxSignal(), NullLogger<EtaChangeService>.Instance).ChangeAsync(new EtaChangeRequest(
            EtaChangeTarget.ForLine(changedLineId, before[1]), new DateOnly(2027, 1, 15), EtaReasonCode.SupplierDelay, null, ChangeSource.Staff, "staff@example.com"));

        Assert.Equal(EtaChangeOutcome.Conflict, stale.Outcome);
    }

    [Fact]
    public async Task Windows1252FileWithSemicolonsIsReadAndSaysSo()
    {
        var text = "order_number;line_number;sku;new_eta;reason_code;reason_text\r\nSO-T9001;1;;2026-12-24;other;Verzögerung beim Lieferanten\r\n";
        System.Text.Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        var bytes = Encoding.GetEncoding(1252).GetBytes(text);

        var outcome = await Import().ApplyAsync(bytes, "lieferung.csv", "staff@example.com");

        Assert.Equal("The file is not UTF-8; it was read as Windows-1252 (Western European). Check names with accents in the preview.", outcome.Check.EncodingNote);
        Assert.Equal(EtaChangeOutcome.Changed, outcome.Result!.Outcome);
        await using var db = database.CreateDbContext();
        var change = await db.EtaChanges.SingleAsync();
        Assert.Equal((EtaReasonCode.Other, "Verzögerung beim Lieferanten", new DateOnly(2026, 12, 24)), (change.ReasonCode, change.ReasonText, change.NewEta!.Value));
    }

    [Fact]
    public void ReportIsCsvWithEveryProblemAndDefusedFormulas()
    {
        var csv = Encoding.UTF8.GetString(ImportProblem.ToCsv([
            new ImportProblem(2, "new_eta", "2026-11-25", "The date lies in the past."),
            new ImportProblem(3, "reason_text", "=HYPERLINK(\"x\")", "Unknown \"thing\"."),
        ]));

        Assert.Equal(
            "\uFEFFrow,column,value,reason\r\n2,\"new_eta\",\"2026-11-25\",\"The date lies in the past.\"\r\n"
            + "3,\"reason_text\",\"'=HYPERLINK(\"\"x\"\")\",\"Unknown \"\"thing\"\".\"\r\n",
            csv);
    }

    [Fact]
    public async Task TemplateIsAGoodFileForTheColumns()
    {
        var template = EtaImportFile.Template(Today);
        var content = EtaImportFile.Read(template, new ImportOptions(), Today);

        Assert.Equal(0, content.ProblemCount);
        Assert.Equal(2, content.Rows.Count);
        Assert.StartsWith(Header, Encoding.UTF8.GetString(template).TrimStart('\uFEFF'));
    }

    private EtaImport Import(ImportOptions? options = null) => new(
        database,
        new EtaChangeService(database, clock, new OutboxSignal(), NullLogger<EtaChangeService>.Instance),
        Options.Create(options ?? new ImportOptions()),
        clock);

    // Line number → version; SO-T9001's lines as 101, 102.
    private static Task<Dictionary<int, long>> VersionsAsync(PortalDbContext db) => db.OrderLines
        .Select(l => new { Key = l.LineNumber + (l.Order!.OrderNumber == "SO-T9000" ? 0 : 100), l.Version })
        .ToDictionaryAsync(l => l.Key, l => l.Version);

    private async Task<string> SnapshotAsync()
    {
        await using var db = database.CreateDbContext();
        var lines = await db.OrderLines.OrderBy(l => l.Id).Select(l => $"{l.Id}:{l.Eta}:{l.Version}:{l.Status}").ToListAsync();
        return $"{string.Join(",", lines)} changes={await db.EtaChanges.CountAsync()} outbox={await db.NotificationOutbox.CountAsync()}";
    }

    private sealed class ListProgress(List<double> values) : IProgress<double>
    {
        public void Report(double value) => values.Add(value);
    }
}
