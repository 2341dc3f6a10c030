namespace BacklogPortal.Calendar;

public static class CalendarExtensions
{
    /// <summary>A line's .ics download and the personal calendar feed (the writer itself is static and shared with the emails).</summary>
    public static IHostApplicationBuilder AddCalendar(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<CustomerCalendar>();
        return builder;
    }
}
