using System.Globalization;

namespace BacklogPortal.Orders;

/// <summary>Dates on the order page: the same short form as /backlog; instants in the customer's time zone.</summary>
internal static class OrderFormat
{
    public static string Date(DateOnly? date) => date?.ToString("d MMM yyyy", CultureInfo.InvariantCulture) ?? "—";

    public static string Eta(DateOnly? eta) => eta is null ? "Date not yet known" : Date(eta);

    public static string Instant(DateTimeOffset instant, TimeZoneInfo zone) =>
        TimeZoneInfo.ConvertTime(instant, zone).ToString("d MMM yyyy, HH:mm", CultureInfo.InvariantCulture);

    public static string Units(int count) => count == 1 ? "1 unit" : $"{count:N0} units";
}

/// <summary>Feedback shown on one line after the customer answered (or tried to).</summary>
public sealed record LineMessage(MudBlazor.Severity Severity, string Text);
