using BacklogPortal.Domain;
using BacklogPortal.Tests.Notifications;
using MimeKit;

namespace BacklogPortal.Tests.Email;

public sealed class PickupFolderTests(PickupFolderTests.PickupFactory factory) : IClassFixture<PickupFolderTests.PickupFactory>
{
    public sealed class PickupFactory : NotificationAppFactory
    {
        protected override IDictionary<string, string?> MoreSettings => new Dictionary<string, string?>
        {
            ["Email:Smtp:Host"] = "",
        };

        public string MailDirectory => Path.Combine(DataDirectory, "mail");
    }

    [Fact]
    public async Task WithoutAnSmtpHostEmailsAreWrittenAsEmlFilesAndShowAsSent()
    {
        var customer = await factory.CreateCustomerAsync(lines: 2, culture: "de-DE", timeZone: "Europe/Berlin");
        await factory.ChangeEtaAsync(customer.Lines[0].Id, customer.Lines[0].Eta!.Value.AddDays(21));
        factory.PassCoalesceWindow();

        await factory.ComposeAndDispatchAsync();

        var notification = Assert.Single(await factory.NotificationsForAsync(customer.Id));
        Assert.Equal(NotificationStatus.Sent, notification.Status);
        var files = Directory.GetFiles(factory.MailDirectory, "*.eml");
        var messages = files.Select(f => MimeMessage.Load(f)).Where(m => m.To.Mailboxes.Any(a => a.Address == customer.Email)).ToList();
        var message = Assert.Single(messages);
        Assert.Equal(notification.MessageId, message.MessageId);
        Assert.StartsWith("Neuer Liefertermin für Auftrag", message.Subject);
        Assert.NotNull(message.HtmlBody);
        Assert.Contains("21 Tage später", message.TextBody);
        Assert.Empty(factory.Smtp.Attempts);
    }
}
