using BacklogPortal.Hosting;

namespace BacklogPortal.Email;

public static class EmailExtensions
{
    /// <summary>
    /// The one sending path's lanes (<see cref="MailConnectionFactory"/>): pooled MailKit SMTP
    /// connections when <c>Email:Smtp:Host</c> is set, otherwise .eml files in <c>Email:PickupDirectory</c>
    /// (default: the "mail" folder inside the portal's data folder). Only the notification dispatcher
    /// sends; everything else enqueues (decision 010).
    /// </summary>
    public static IHostApplicationBuilder AddEmail(this IHostApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<EmailOptions>(EmailOptions.SectionName);
        builder.Services.AddHealthChecks().AddCheck<SmtpReachableHealthCheck>("smtp", tags: [HealthTags.Ready]);
        builder.Services.AddSingleton<MailConnectionFactory>();
        return builder;
    }

    public static string ResolvePickupDirectory(EmailOptions email, PortalOptions portal, IHostEnvironment environment)
    {
        var dataDirectory = portal.ResolveDataDirectory(environment.ContentRootPath);
        return string.IsNullOrWhiteSpace(email.PickupDirectory)
            ? Path.Combine(dataDirectory, "mail")
            : Path.GetFullPath(email.PickupDirectory, dataDirectory);
    }
}
