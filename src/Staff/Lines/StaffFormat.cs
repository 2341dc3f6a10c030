using System.Globalization;

namespace BacklogPortal.Staff.Lines;

internal static class StaffFormat
{
    public static string Date(DateOnly? date) => date?.ToString("d MMM yyyy", CultureInfo.InvariantCulture) ?? "—";
}
