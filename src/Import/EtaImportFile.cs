using System.Globalization;
using System.Text;
using BacklogPortal.EtaChanges;
using CsvHelper;

namespace BacklogPortal.Import;

/// <summary>One data row of an ETA import, checked on its own (the database is asked later).</summary>
/// <param name="Row">The row's line in the file; the header is row 1.</param>
public sealed record EtaImportRow(int Row, string? OrderNumber, int? LineNumber, string? Sku, DateOnly? NewEta, EtaReasonCode ReasonCode, string? ReasonText)
{
    public bool NamesLine => OrderNumber is not null;
}

/// <summary>What reading a file found: its rows when every row is well-formed, otherwise the problems.</summary>
public sealed record EtaImportFileContent(IReadOnlyList<EtaImportRow> Rows, IReadOnlyList<ImportProblem> Problems, int ProblemCount, string? EncodingNote);

/// <summary>
/// Reads an ETA import file (columns <see cref="Columns"/>) and checks every row on its own: encoding,
/// separator, header, field count, control characters, dates, reason codes. All problems are collected,
/// not just the first, so a person can fix a file in one go.
/// </summary>
public static class EtaImportFile
{
    public const string OrderNumber = "order_number";
    public const string LineNumber = "line_number";
    public const string Sku = "sku";
    public const string NewEta = "new_eta";
    public const string ReasonCode = "reason_code";
    public const string ReasonText = "reason_text";

    public static readonly IReadOnlyList<string> Columns = [OrderNumber, LineNumber, Sku, NewEta, ReasonCode, ReasonText];

    /// <summary>The reason codes as the file (and the API) spell them.</summary>
    public static readonly IReadOnlyDictionary<string, EtaReasonCode> ReasonCodes = new Dictionary<string, EtaReasonCode>(StringComparer.OrdinalIgnoreCase)
    {
        ["supplierDelay"] = EtaReasonCode.SupplierDelay,
        ["production"] = EtaReasonCode.Production,
        ["transport"] = EtaReasonCode.Transport,
        ["releaseDateMoved"] = EtaReasonCode.ReleaseDateMoved,
        ["stockArrivedEarly"] = EtaReasonCode.StockArrivedEarly,
        ["other"] = EtaReasonCode.Other,
    };

    private static readonly string ReasonCodeList = string.Join(", ", ReasonCodes.Keys);

    /// <summary>The downloadable template: the header and two example rows (an order line and a whole SKU).</summary>
    public static byte[] Template(DateOnly today)
    {
        var eta = today.AddDays(30).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var text = $"""
            {string.Join(',', Columns)}
            SO-100001,1,,{eta},supplierDelay,Supplier shipment moved
            ,,KB-MX-210,,transport,Container held at the port; date not yet known

            """.ReplaceLineEndings("\r\n");
        return [.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes(text)];
    }

    public static EtaImportFileContent Read(byte[] content, ImportOptions options, DateOnly today)
    {
        var problems = new Problems(options.MaxReportedProblems);
        if (content.Length > options.MaxFileBytes)
        {
            problems.Add(0, "", "", $"The file has {Size(content.Length)}; at most {Size(options.MaxFileBytes)} can be imported at once. Split it into smaller files.");
            return problems.Result(null);
        }
        var (text, encodingNote, encodingProblem) = Decode(content);
        if (encodingProblem is not null)
        {
            problems.Add(0, "", "", encodingProblem);
            return problems.Result(null);
        }
        if (string.IsNullOrWhiteSpace(text))
        {
            problems.Add(0, "", "", $"The file is empty. It needs the header row {string.Join(',', Columns)} and at least one row.");
            return problems.Result(encodingNote);
        }

        var firstLine = text.AsSpan(0, text.IndexOfAny(['\r', '\n']) is var end and >= 0 ? end : text.Length).ToString();
        var separator = DetectSeparator(firstLine);
        var malformed = new List<CsvMalformedRecord>();
        using var reader = CsvReader.FromText(text, new CsvReaderOptions
        {
            Separator = separator,
            HasHeader = false,
            AllowLineBreaksInQuotes = false,
            TrackLineNumbers = true,
            SkipEmptyLines = true,
            FieldCountMismatch = CsvFieldCountHandling.Allow,
            MalformedData = CsvMalformedDataHandling.Recover,
            OnMalformedRecord = malformed.Add,
        });

        if (!reader.Read())
        {
            problems.Add(0, "", "", $"The file is empty. It needs the header row {string.Join(',', Columns)} and at least one row.");
            return problems.Result(encodingNote);
        }
        var columnIndex = ReadHeader(reader, problems);
        if (problems.Count > 0)
        {
            return problems.Result(encodingNote);
        }

        var rows = new List<EtaImportRow>();
        var dataRows = 0;
        var malformedSeen = 0;
        while (reader.Read())
        {
            var row = (int)reader.LineNumber;
            if (++dataRows > options.MaxRows)
            {
                problems.Add(0, "", "", $"The file has more than {options.MaxRows:N0} rows; at most {options.MaxRows:N0} can be imported at once. Split it into smaller files.");
                return problems.Result(encodingNote);
            }
            var before = problems.Count;
            for (; malformedSeen < malformed.Count; malformedSeen++)
            {
                var bad = malformed[malformedSeen];
                problems.Add(bad.LineNumber > 0 ? (int)bad.LineNumber : row, "", Shown(bad.RawRecord), MalformedReason(bad.Reason));
            }
            if (problems.Count > before)
            {
                continue;
            }
            if (reader.FieldCount != Columns.Count)
            {
                problems.Add(row, "", Shown(Encoding.UTF8.GetString(reader.RawRecord)),
                    $"The row has {reader.FieldCount} {(reader.FieldCount == 1 ? "field" : "fields")}; the header has {Columns.Count}. Check for a missing or extra separator ('{separator}').");
                continue;
            }
            var values = new string[Columns.Count];
            for (var i = 0; i < Columns.Count; i++)
            {
                var value = reader.GetString(columnIndex[i]) ?? "";
                if (PlainText.FirstControlCharacter(value) is { } control)
                {
                    problems.Add(row, Columns[i], Shown(value), $"The value contains a control character (U+{(int)control:X4}); remove it.");
                }
                values[i] = value.Trim();
            }
            if (problems.Count > before)
            {
                continue;
            }
            if (CheckRow(row, values, today, problems) is { } checkedRow && problems.Count == before)
            {
                rows.Add(checkedRow);
            }
        }
        for (; malformedSeen < malformed.Count; malformedSeen++)
        {
            var bad = malformed[malformedSeen];
            problems.Add((int)bad.LineNumber, "", Shown(bad.RawRecord), MalformedReason(bad.Reason));
        }
        if (dataRows == 0 && problems.Count == 0)
        {
            problems.Add(0, "", "", "The file has a header but no rows.");
        }
        // Rows that are well-formed are returned beside the problems, so that they are checked against the database too.
        return problems.Count > 0 ? problems.Result(encodingNote) with { Rows = rows } : new EtaImportFileContent(rows, [], 0, encodingNote);
    }

    private static int[] ReadHeader(CsvReader reader, Problems problems)
    {
        var index = new int[Columns.Count];
        Array.Fill(index, -1);
        for (var i = 0; i < reader.FieldCount; i++)
        {
            var raw = reader.GetString(i) ?? "";
            var name = raw.Trim().TrimStart('\uFEFF');
            var column = Columns.ToList().FindIndex(c => string.Equals(c, name, StringComparison.OrdinalIgnoreCase));
            if (column < 0)
            {
                problems.Add(1, name, Shown(raw), string.IsNullOrEmpty(name)
                    ? $"Column {i + 1} of the header has no name; the columns are {string.Join(',', Columns)}."
                    : $"Unexpected column \"{Shown(name)}\"; the columns are {string.Join(',', Columns)}.");
            }
            else if (index[column] >= 0)
            {
                problems.Add(1, Columns[column], Shown(raw), $"The column {Columns[column]} appears twice in the header.");
            }
            else
            {
                index[column] = i;
            }
        }
        for (var column = 0; column < Columns.Count; column++)
        {
            if (index[column] < 0)
            {
                problems.Add(1, Columns[column], "", $"The header has no column {Columns[column]}; the columns are {string.Join(',', Columns)}.");
            }
        }
        return index;
    }

    private static EtaImportRow? CheckRow(int row, string[] values, DateOnly today, Problems problems)
    {
        var (order, lineText, sku, etaText, codeText, reasonText) = (values[0], values[1], values[2], values[3], values[4], values[5]);
        var namesLine = order.Length > 0 || lineText.Length > 0;
        int? line = null;
        if (namesLine && sku.Length > 0)
        {
            problems.Add(row, Sku, sku, "Name either an order line (order_number and line_number) or a SKU, not both.");
        }
        else if (!namesLine && sku.Length == 0)
        {
            problems.Add(row, OrderNumber, "", "Name an order line (order_number and line_number) or a SKU.");
        }
        else if (namesLine)
        {
            if (order.Length == 0)
            {
                problems.Add(row, OrderNumber, "", $"Enter the order number of line {lineText}.");
            }
            if (lineText.Length == 0)
            {
                problems.Add(row, LineNumber, "", $"Enter the line number of order {order}.");
            }
            else if (int.TryParse(lineText, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number >= 1)
            {
                line = number;
            }
            else
            {
                problems.Add(row, LineNumber, lineText, "Not a line number: enter a whole number from 1.");
            }
        }

        DateOnly? eta = null;
        if (etaText.Length > 0)
        {
            if (!DateOnly.TryParseExact(etaText, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
            {
                problems.Add(row, NewEta, etaText, "Not a date: write it as yyyy-MM-dd (e.g. 2027-03-31), or leave it empty for \"not yet known\".");
            }
            else if (date < today)
            {
                problems.Add(row, NewEta, etaText, $"The date lies in the past (today is {today:yyyy-MM-dd}); an ETA is today or later, or empty for \"not yet known\".");
            }
            else if (date > EtaChangeRules.LatestEta(today))
            {
                problems.Add(row, NewEta, etaText, $"The date is more than {EtaChangeRules.MaxYearsAhead} years ahead; check the year, or leave it empty for \"not yet known\".");
            }
            else
            {
                eta = date;
            }
        }

        EtaReasonCode? code = null;
        if (codeText.Length == 0)
        {
            problems.Add(row, ReasonCode, "", $"Enter a reason code: {ReasonCodeList}.");
        }
        else if (ReasonCodes.TryGetValue(codeText, out var known))
        {
            code = known;
        }
        else
        {
            problems.Add(row, ReasonCode, codeText, $"Unknown reason code; use one of {ReasonCodeList}.");
        }

        if (reasonText.Length > EtaChangeRules.MaxReasonTextLength)
        {
            problems.Add(row, ReasonText, reasonText[..40] + "…", $"The reason text has {reasonText.Length} characters; at most {EtaChangeRules.MaxReasonTextLength} are allowed.");
        }
        else if (code == EtaReasonCode.Other && reasonText.Length == 0)
        {
            problems.Add(row, ReasonText, "", "Describe the reason when the reason code is other.");
        }

        return code is { } reason
            ? new EtaImportRow(row, namesLine ? order : null, line, namesLine ? null : sku, eta, reason, reasonText.Length == 0 ? null : reasonText)
            : null;
    }

    private static (string? Text, string? Note, string? Problem) Decode(byte[] content)
    {
        var span = content.AsSpan();
        if (span.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE]) || span.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF]))
        {
            return (null, null, "The file is saved as UTF-16 (\"Unicode text\"). Save it as \"CSV UTF-8\" and upload it again.");
        }
        var hasBom = span.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]);
        var body = hasBom ? span[3..] : span;
        if (body.Contains((byte)0))
        {
            return (null, null, "The file is not a text file (it contains zero bytes). Upload the CSV file itself, saved as \"CSV UTF-8\".");
        }
        try
        {
            return (new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(body), null, null);
        }
        catch (DecoderFallbackException) when (!hasBom && !body.ContainsAny(UndefinedInWindows1252))
        {
            // Not UTF-8: an export from an older spreadsheet program is usually Windows-1252.
            return (Windows1252.GetString(body),
                "The file is not UTF-8; it was read as Windows-1252 (Western European). Check names with accents in the preview.", null);
        }
        catch (DecoderFallbackException)
        {
            return (null, null, "The file is neither UTF-8 nor Windows-1252 text. Save it as \"CSV UTF-8\" and upload it again.");
        }
    }

    private static readonly byte[] UndefinedInWindows1252 = [0x81, 0x8D, 0x8F, 0x90, 0x9D];

    private static readonly Encoding Windows1252 = CreateWindows1252();

    private static Encoding CreateWindows1252()
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        return Encoding.GetEncoding(1252, EncoderFallback.ExceptionFallback, DecoderFallback.ExceptionFallback);
    }

    // The header decides: the separator that splits it into the expected columns, else the more frequent one.
    private static char DetectSeparator(string header)
    {
        foreach (var candidate in new[] { ',', ';' })
        {
            var names = header.Split(candidate).Select(n => n.Trim().Trim('"').TrimStart('\uFEFF'));
            if (names.Count(n => Columns.Contains(n, StringComparer.OrdinalIgnoreCase)) >= 2)
            {
                return candidate;
            }
        }
        return header.Count(c => c == ';') > header.Count(c => c == ',') ? ';' : ',';
    }


    private static string MalformedReason(CsvMalformedReason reason) => reason switch
    {
        CsvMalformedReason.StrayQuote => "A quote (\") inside a value that does not start with a quote; double it or quote the whole value.",
        CsvMalformedReason.TextAfterClosingQuote => "Text after the closing quote of a value; quote the whole value.",
        CsvMalformedReason.UnterminatedQuote => "A quoted value is never closed.",
        CsvMalformedReason.LineBreakInQuotes => "A line break inside a quoted value; a value must fit on one line.",
        _ => "The row is not valid CSV.",
    };

    /// <summary>A value as the report shows it: control characters made visible, long values shortened.</summary>
    internal static string Shown(string value)
    {
        var text = new StringBuilder(Math.Min(value.Length, 200));
        foreach (var c in value)
        {
            if (text.Length >= 200)
            {
                text.Append('…');
                break;
            }
            text.Append(char.IsControl(c) ? $"\\u{(int)c:X4}" : c);
        }
        return text.ToString();
    }

    /// <summary>A file size as the page and the messages write it: "10 MB", "3 KB".</summary>
    public static string Size(long bytes) => bytes >= 1024 * 1024
        ? string.Create(CultureInfo.InvariantCulture, $"{bytes / (1024.0 * 1024.0):0.#} MB")
        : string.Create(CultureInfo.InvariantCulture, $"{Math.Ceiling(bytes / 1024.0):0} KB");

    /// <summary>Collects problems up to a limit and keeps counting beyond it.</summary>
    internal sealed class Problems(int limit)
    {
        private readonly List<ImportProblem> list = [];

        public int Count { get; private set; }

        public void Add(int row, string column, string value, string reason)
        {
            Count++;
            if (list.Count < limit)
            {
                list.Add(new ImportProblem(row, column, value, reason));
            }
        }

        public IReadOnlyList<ImportProblem> List => list;

        public EtaImportFileContent Result(string? encodingNote) => new([], list, Count, encodingNote);
    }
}
