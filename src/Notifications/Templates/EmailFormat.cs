using System.Globalization;

namespace BacklogPortal.Notifications.Templates;

/// <summary>Dates and times as the customer reads them: their culture's patterns, their time zone.</summary>
public static class EmailFormat
{
    /// <summary>The long date of the culture, e.g. "Friday, March 20, 2026" or "Freitag, 20. März 2026".</summary>
    public static string Date(DateOnly? date, CultureInfo culture, EmailTexts texts) =>
        date?.ToString("D", culture) ?? texts.NotYetKnown;

    /// <summary>An instant as local date and time in the customer's zone, e.g. "Friday, March 20, 2026 2:05 PM".</summary>
    public static string DateTime(DateTimeOffset instant, TimeZoneInfo zone, CultureInfo culture) =>
        TimeZoneInfo.ConvertTime(instant, zone).ToString("f", culture);

    public static string ZoneName(TimeZoneInfo zone) => zone.Id;

    public static CultureInfo Culture(string? name)
    {
        try
        {
            return string.IsNullOrWhiteSpace(name) ? CultureInfo.GetCultureInfo("en-US") : CultureInfo.GetCultureInfo(name);
        }
        catch (CultureNotFoundException)
        {
            return CultureInfo.GetCultureInfo("en-US");
        }
    }

    public static TimeZoneInfo Zone(string? id)
    {
        if (!string.IsNullOrWhiteSpace(id) && TimeZoneInfo.TryFindSystemTimeZoneById(id, out var zone))
        {
            return zone;
        }
        return TimeZoneInfo.Utc;
    }
}
