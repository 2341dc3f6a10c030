using BacklogPortal.Email;
using BacklogPortal.Hosting;
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
        services.AddValidatedOptions<NotificationsOptions>(NotificationsOptions.SectionName)
            // An email is started only while its claim has one SMTP timeout left; with a shorter
            // lease, a claim taken over by another instance could be sent by both at once.
            .Validate<IOptions<EmailOptions>>(
                (notifications, email) => !email.Value.UsesSmtp || notifications.LeaseDuration >= 2 * email.Value.Smtp.Timeout,
                "Notifications:LeaseDuration must be at least twice Email:Smtp:Timeout, or two instances could send the same email at once.");

        services.AddSingleton<OutboxSignal>();
        services.AddSingleton<DispatchSignal>();
        services.AddSingleton<NotificationEmailRenderer>();
        services.AddSingleton<NotificationComposer>();
        services.AddSingleton<OverdueReminders>();
        services.AddSingleton<EmailQueue>();
        services.AddSingleton<AnswerConfirmations>();
        services.AddSingleton(sp => ActivatorUtilities.CreateInstance<NotificationDispatcher>(sp, NotificationDispatcher.NewOwnerId()));
        services.AddSingleton<NotificationLog>();
        services.AddSingleton<NotificationRetention>();

        services.AddHealthChecks().AddCheck<DispatchLagHealthCheck>("email dispatch", tags: [HealthTags.Ready]);

        services.AddHostedService<PublicBaseUrlCheck>();
        services.AddHostedService<NotificationComposerService>();
        services.AddHostedService<NotificationDispatcherService>();
        services.AddHostedService<NotificationRetentionService>();
        return builder;
    }
}
