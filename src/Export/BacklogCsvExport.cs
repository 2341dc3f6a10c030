using System.Globalization;
using BacklogPortal.Backlog;
using BacklogPortal.Data;
using CsvHelper;
using Microsoft.Extensions.Localization;

namespace BacklogPortal.Export;

/// <summary>
/// The lines of a <c>/backlog</c> view as a CSV file: exactly the lines its filters select (every page, not only the
/// one on screen), in its sort order, with the columns of the page. Excel-friendly: UTF-8 with a byte-order mark, the
/// list separator and number format of the customer's culture (a comma in English, a semicolon in German, where the
/// comma is the decimal mark), ISO dates, and cells that Excel would run as formulas escaped.
/// </summary>
public sealed class BacklogCsvExport(
    IDbContextFactory<PortalDbContext> dbFactory,
    CustomerBacklog backlog,
    IStringLocalizer<ExportTexts> headings,
    IStringLocalizer<CustomerTexts> words)
{
    /// <summary>Writes the file; the customer id comes from the signed-in user's claims, never from the query.</summary>
    public async Task WriteAsync(int customerId, BacklogView view, Stream output, CancellationToken cancellationToken = default)
    {
        List<int> ids;
        DateOnly today;
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            today = await backlog.TodayForAsync(db, customerId, cancellationToken);
            // The backlog's own filter and sort: the file and the page can never disagree about which lines, in which order.
            ids = await CustomerBacklog.Sorted(CustomerBacklog.Matching(db, customerId, view, today), view, today)
                .Select(l => l.Id)
                .ToListAsync(cancellationToken);
        }

        var culture = CultureInfo.CurrentCulture;
        await using var csv = CsvWriter.Create(output, new CsvWriterOptions
        {
            // Excel opens a double-clicked file with the list separator of the user's regional settings.
            Separator = culture.TextInfo.ListSeparator is [var separator] ? separator : ',',
            WriteByteOrderMark = true,
            // A product name starting with = + - @ would otherwise run as a formula in Excel.
            Injection = CsvInjection.Escape,
            FormatProvider = culture,
        }, leaveOpen: true);
        foreach (var heading in Headings)
        {
            csv.WriteField(headings[heading].Value);
        }
        await csv.EndRecordAsync(cancellationToken);
        // Read in chunks with the page's own row query, so 20,000 lines never sit in memory at once.
        foreach (var chunk in ids.Chunk(DatabaseLimits.MaxIdsPerStatement))
        {
            foreach (var line in await backlog.GetLinesAsync(customerId, chunk, cancellationToken))
            {
                csv.WriteField(line.OrderNumber);
                csv.WriteField(Iso(line.OrderDate));
                csv.WriteField(line.Sku);
                csv.WriteField(line.ProductName);
                csv.WriteField(words[line.State.Kind == BacklogKind.PreOrder ? "Pre-order" : "Backorder"].Value);
                csv.WriteField(line.State.QuantityOrdered);
                csv.WriteField(line.State.QuantityShipped);
                csv.WriteField(line.State.QuantityCancelled);
                csv.WriteField(line.State.QuantityOpen);
                csv.WriteField(Iso(line.State.PromisedDate));
                csv.WriteField(Iso(line.State.Eta));
                csv.WriteField(line.State.EtaChangeCount);
                csv.WriteField(line.State.SlipDays);
                csv.WriteField(words[StatusWord(line.State.StatusOn(today))].Value);
                await csv.EndRecordAsync(cancellationToken);
            }
            await csv.FlushAsync(cancellationToken);
        }
    }

    public static string FileName(DateOnly today) => $"backlog-{Iso(today)}.csv";

    private static readonly string[] Headings =
    [
        "Order", "Order date", "SKU", "Product", "Kind", "Ordered", "Shipped", "Cancelled", "Open",
        "Promised", "Expected (ETA)", "Times moved", "Days later than promised", "Status",
    ];

    private static string Iso(DateOnly? date) => date?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "";

    private static string StatusWord(CustomerLineStatus status) => status switch
    {
        CustomerLineStatus.DecisionNeeded => "Your decision needed",
        CustomerLineStatus.Overdue => "Overdue",
        CustomerLineStatus.PartlyShipped => "Partly shipped",
        CustomerLineStatus.WaitingForDate => "Waiting for date",
        _ => "Scheduled",
    };
}
