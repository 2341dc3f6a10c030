using BacklogPortal.Hosting;
using Microsoft.Extensions.Options;

namespace BacklogPortal.Email;

public static class EmailExtensions
{
    /// <summary>
    /// The email transport: MailKit SMTP when <c>Email:Smtp:Host</c> is set, otherwise .eml files in
    /// <c>Email:PickupDirectory</c> (default: the "mail" folder inside the portal's data folder).
    /// </summary>
    public static IHostApplicationBuilder AddEmail(this IHostApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<EmailOptions>(EmailOptions.SectionName);

        builder.Services.AddSingleton<IEmailTransport>(sp =>
        {
            var email = sp.GetRequiredService<IOptions<EmailOptions>>().Value;
            if (email.UsesSmtp)
            {
                return ActivatorUtilities.CreateInstance<SmtpEmailTransport>(sp);
            }
            return new PickupDirectoryEmailTransport(
                ResolvePickupDirectory(email, sp.GetRequiredService<IOptions<PortalOptions>>().Value, sp.GetRequiredService<IHostEnvironment>()),
                sp.GetRequiredService<ILogger<PickupDirectoryEmailTransport>>());
        });
        builder.Services.AddHealthChecks().AddCheck<SmtpReachableHealthCheck>("smtp", tags: [HealthTags.Ready]);
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
