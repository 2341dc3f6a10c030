using BacklogPortal.Notifications.Templates;

namespace BacklogPortal.Notifications;

public static class NotificationsExtensions
{
    /// <summary>
    /// The notification service: options, the outbox and dispatch signals, the composer (coalescing,
    /// digest, overdue reminders), the rendering of emails, the pooled dispatcher, and the staff log.
    /// </summary>
    public static IHostApplicationBuilder AddNotifications(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<NotificationsOptions>()
            .BindConfiguration(NotificationsOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();

        services.AddSingleton<OutboxSignal>();
        services.AddSingleton<DispatchSignal>();
        services.AddSingleton<NotificationEmailRenderer>();
        services.AddSingleton<NotificationComposer>();
        services.AddSingleton<OverdueReminders>();
        services.AddSingleton<MailConnectionFactory>();
        services.AddSingleton(sp => ActivatorUtilities.CreateInstance<NotificationDispatcher>(sp, NotificationDispatcher.NewOwnerId()));
        services.AddSingleton<NotificationLog>();

        services.AddHostedService<NotificationComposerService>();
        services.AddHostedService<NotificationDispatcherService>();
        return builder;
    }
}
