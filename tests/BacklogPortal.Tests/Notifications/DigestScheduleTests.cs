using BacklogPortal.Notifications;

namespace BacklogPortal.Tests.Notifications;

public sealed class DigestScheduleTests
{
    private static readonly TimeZoneInfo Berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");
    private static readonly TimeZoneInfo NewYork = TimeZoneInfo.FindSystemTimeZoneById("America/New_York");

    [Fact]
    public void TheDigestMomentIsTheLocalTimeOfDayInTheCustomersZone()
    {
        // 2026-07-01 10:00 UTC is 12:00 in Berlin (summer time) and 06:00 in New York.
        var now = new DateTimeOffset(2026, 7, 1, 10, 0, 0, TimeSpan.Zero);

        Assert.Equal(new DateTimeOffset(2026, 7, 1, 6, 0, 0, TimeSpan.Zero), DigestSchedule.Previous(now, Berlin, TimeSpan.FromHours(8)));
        Assert.Equal(new DateTimeOffset(2026, 7, 2, 6, 0, 0, TimeSpan.Zero), DigestSchedule.Next(now, Berlin, TimeSpan.FromHours(8)));
        Assert.Equal(new DateTimeOffset(2026, 6, 30, 12, 0, 0, TimeSpan.Zero), DigestSchedule.Previous(now, NewYork, TimeSpan.FromHours(8)));
        Assert.Equal(new DateTimeOffset(2026, 7, 1, 12, 0, 0, TimeSpan.Zero), DigestSchedule.Next(now, NewYork, TimeSpan.FromHours(8)));
    }

    [Fact]
    public void ADigestTimeSkippedByTheSpringClockChangeHappensAnHourLater()
    {
        // Berlin skips 02:00–03:00 on 2026-03-29; a 02:30 digest goes out at 03:30 CEST (01:30 UTC).
        var now = new DateTimeOffset(2026, 3, 29, 0, 0, 0, TimeSpan.Zero);

        Assert.Equal(new DateTimeOffset(2026, 3, 29, 1, 30, 0, TimeSpan.Zero), DigestSchedule.Next(now, Berlin, new TimeSpan(2, 30, 0)));
    }

    [Fact]
    public void ADigestTimeRepeatedByTheAutumnClockChangeHappensOnce()
    {
        // Berlin repeats 02:00–03:00 on 2026-10-25; a 02:30 digest goes out at the first 02:30 (00:30 UTC).
        var before = new DateTimeOffset(2026, 10, 25, 0, 0, 0, TimeSpan.Zero);
        var first = DigestSchedule.Next(before, Berlin, new TimeSpan(2, 30, 0));

        Assert.Equal(new DateTimeOffset(2026, 10, 25, 0, 30, 0, TimeSpan.Zero), first);
        Assert.Equal(new DateTimeOffset(2026, 10, 26, 1, 30, 0, TimeSpan.Zero), DigestSchedule.Next(first, Berlin, new TimeSpan(2, 30, 0)));
    }
}
