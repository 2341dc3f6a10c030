namespace BacklogPortal.Notifications;

public static class NotificationsExtensions
{
    /// <summary>The notification service: outbox signal, dispatcher and email composition.</summary>
    public static IHostApplicationBuilder AddNotifications(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<OutboxSignal>();
        return builder;
    }
}
