using System.Globalization;

namespace BacklogPortal.Domain;

/// <summary>
/// A customer's language and time zone as stored on <see cref="Customer"/>, resolved once for every
/// feature that shows them a date: their emails, their order pages, "today" for overdue reminders.
/// An unknown culture falls back to en-US and an unknown zone to UTC, so a bad value never fails a page
/// or an email.
/// </summary>
public sealed record CustomerLocale(CultureInfo Culture, TimeZoneInfo TimeZone)
{
    public static readonly CultureInfo DefaultCulture = CultureInfo.GetCultureInfo("en-US");

    public static CustomerLocale For(string? cultureName, string? timeZoneId) => new(CultureFor(cultureName), ZoneFor(timeZoneId));

    public static CultureInfo CultureFor(string? name)
    {
        try
        {
            return string.IsNullOrWhiteSpace(name) ? DefaultCulture : CultureInfo.GetCultureInfo(name);
        }
        catch (CultureNotFoundException)
        {
            return DefaultCulture;
        }
    }

    public static TimeZoneInfo ZoneFor(string? id) =>
        !string.IsNullOrWhiteSpace(id) && TimeZoneInfo.TryFindSystemTimeZoneById(id, out var zone) ? zone : TimeZoneInfo.Utc;

    /// <summary>The calendar date at <paramref name="now"/> where the customer is.</summary>
    public static DateOnly TodayIn(TimeZoneInfo zone, DateTimeOffset now) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, zone).DateTime);

    public DateOnly Today(DateTimeOffset now) => TodayIn(TimeZone, now);
}
