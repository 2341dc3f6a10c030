namespace BacklogPortal.Settings;

public static class SettingsExtensions
{
    /// <summary>The customer's notification settings page, its recipients' confirmation links.</summary>
    public static IHostApplicationBuilder AddSettings(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<NotificationSettings>();
        return builder;
    }
}
