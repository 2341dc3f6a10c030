using System.Globalization;

namespace BacklogPortal.Domain;

/// <summary>
/// Every date the portal shows, in one place. Pages use one short, unambiguous form in every
/// culture ("20 Mar 2026"); emails use the long date of the customer's culture ("Friday, March 20,
/// 2026", "Freitag, 20. März 2026"). Instants are shown in the customer's time zone
/// (<see cref="CustomerLocale"/>).
/// </summary>
public static class DateFormat
{
    public const string ShortDatePattern = "d MMM yyyy";

    public const string ShortInstantPattern = "d MMM yyyy, HH:mm";

    /// <summary>What pages show for a date that does not exist (no promised date).</summary>
    public const string NoDate = "—";

    /// <summary>What pages show for an ETA that is not known yet.</summary>
    public const string UnknownEta = "Date not yet known";

    public static string Short(DateOnly? date) => date?.ToString(ShortDatePattern, CultureInfo.InvariantCulture) ?? NoDate;

    public static string Eta(DateOnly? eta) => eta is null ? UnknownEta : Short(eta);

    /// <summary>
    /// The short form with the month names of <paramref name="culture"/>: "20 Mar 2026", "20. März 2026".
    /// Customer pages pass the culture of their circuit (the customer's language).
    /// </summary>
    public static string Short(DateOnly? date, CultureInfo culture) =>
        date?.ToString(culture.TwoLetterISOLanguageName == "de" ? "d. MMM yyyy" : ShortDatePattern, culture) ?? NoDate;

    /// <summary>An instant as date and time in the zone, with the zone named, e.g. "20 Mar 2026, 14:05 (Europe/Berlin)".</summary>
    public static string Instant(DateTimeOffset instant, TimeZoneInfo zone, CultureInfo culture) =>
        $"{Short(DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(instant, zone).DateTime), culture)}, {TimeZoneInfo.ConvertTime(instant, zone).ToString("HH:mm", CultureInfo.InvariantCulture)} ({zone.Id})";

    public static string Instant(DateTimeOffset instant, TimeZoneInfo zone) =>
        TimeZoneInfo.ConvertTime(instant, zone).ToString(ShortInstantPattern, CultureInfo.InvariantCulture);

    /// <summary>The long date of the culture; <paramref name="unknown"/> (in the email's language) when there is none.</summary>
    public static string Long(DateOnly? date, CultureInfo culture, string unknown) => date?.ToString("D", culture) ?? unknown;

    /// <summary>An instant as local date and time in the zone, e.g. "Friday, March 20, 2026 2:05 PM".</summary>
    public static string LongInstant(DateTimeOffset instant, TimeZoneInfo zone, CultureInfo culture) =>
        TimeZoneInfo.ConvertTime(instant, zone).ToString("f", culture);
}
