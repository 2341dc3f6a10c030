namespace BacklogPortal.Notifications;

/// <summary>
/// When a customer's daily digest goes out: at a local time of day in their time zone. Stateless:
/// a digest customer is due when a waiting change is older than the latest digest moment, so a
/// digest missed while the portal was down goes out when it is back, and never twice.
/// </summary>
public static class DigestSchedule
{
    /// <summary>The latest digest moment at or before <paramref name="now"/>.</summary>
    public static DateTimeOffset Previous(DateTimeOffset now, TimeZoneInfo zone, TimeSpan timeOfDay)
    {
        var localDate = TimeZoneInfo.ConvertTime(now, zone).Date;
        var today = ToInstant(localDate + timeOfDay, zone);
        return today <= now ? today : ToInstant(localDate.AddDays(-1) + timeOfDay, zone);
    }

    /// <summary>The first digest moment after <paramref name="now"/>.</summary>
    public static DateTimeOffset Next(DateTimeOffset now, TimeZoneInfo zone, TimeSpan timeOfDay)
    {
        var localDate = TimeZoneInfo.ConvertTime(now, zone).Date;
        var today = ToInstant(localDate + timeOfDay, zone);
        return today > now ? today : ToInstant(localDate.AddDays(1) + timeOfDay, zone);
    }

    private static DateTimeOffset ToInstant(DateTime local, TimeZoneInfo zone)
    {
        // A time skipped by a daylight-saving jump happens an hour later that day.
        if (zone.IsInvalidTime(local))
        {
            local = local.AddHours(1);
        }
        // An ambiguous time (the hour repeated in autumn) is taken at its first occurrence.
        var offset = zone.IsAmbiguousTime(local) ? zone.GetAmbiguousTimeOffsets(local).Max() : zone.GetUtcOffset(local);
        return new DateTimeOffset(DateTime.SpecifyKind(local, DateTimeKind.Unspecified), offset).ToUniversalTime();
    }
}
