using System.Globalization;
using System.Text;

namespace BacklogPortal.Import;

/// <summary>One reason a file is rejected: the row (line of the file, the header is row 1), the column, the value and why.</summary>
/// <param name="Row">0 for a problem with the file as a whole.</param>
public sealed record ImportProblem(int Row, string Column, string Value, string Reason)
{
    /// <summary>The report as CSV (UTF-8 with a byte order mark, so that spreadsheet programs read it as UTF-8).</summary>
    public static byte[] ToCsv(IEnumerable<ImportProblem> problems)
    {
        var text = new StringBuilder("row,column,value,reason\r\n");
        foreach (var problem in problems)
        {
            text.Append(problem.Row.ToString(CultureInfo.InvariantCulture)).Append(',')
                .Append(Quote(problem.Column)).Append(',')
                .Append(Quote(problem.Value)).Append(',')
                .Append(Quote(problem.Reason)).Append("\r\n");
        }
        return [.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes(text.ToString())];
    }

    // A value that starts like a formula is prefixed with an apostrophe: the report is opened in
    // spreadsheets, and the values come from an uploaded file.
    private static string Quote(string value)
    {
        if (value.Length > 0 && "=+-@\t\r".Contains(value[0]))
        {
            value = "'" + value;
        }
        return "\"" + value.Replace("\"", "\"\"") + "\"";
    }
}
