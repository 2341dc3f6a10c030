using System.Net;
using System.Text.RegularExpressions;
using BacklogPortal.Domain;
using BacklogPortal.Notifications;
using BacklogPortal.Settings;
using BacklogPortal.Tests.Infrastructure;
using BacklogPortal.Tests.Notifications;
using Microsoft.EntityFrameworkCore;

namespace BacklogPortal.Tests.Settings;

/// <summary>
/// The settings saved on /settings/notifications reach the composer: the digest hour in the customer's zone,
/// the language, and the recipients — a further address only after its link was opened. Real SQLite file,
/// real SMTP server, fake clock, the composer and dispatcher driven by hand.
/// </summary>
public sealed partial class NotificationSettingsTests(NotificationAppFactory factory) : IClassFixture<NotificationAppFactory>
{
    [Fact]
    public async Task DigestGoesOutAtTheHourTheCustomerChoseInTheirOwnZoneAndLanguage()
    {
        var tokyo = TimeZoneInfo.FindSystemTimeZoneById("Asia/Tokyo");
        // Start just after 17:00 in Tokyo, whatever the time of the run, so the next digest moment is a day away.
        factory.Clock.Advance(DigestSchedule.Next(factory.Clock.GetUtcNow(), tokyo, TimeSpan.FromHours(17)) - factory.Clock.GetUtcNow() + TimeSpan.FromMinutes(1));
        var customer = await factory.CreateCustomerAsync(lines: 1, timeZone: "America/New_York");
        var user = await factory.CreateUserAsync(customer.Id, $"buyer-{customer.Id}@customer.example");
        var view = (await factory.Settings().LoadAsync(user.Id, customer.Id))!;

        var saved = await factory.Settings().SaveAsync(user.Id, customer.Id, view.Unchanged() with
        {
            Preference = NotificationPreference.DailyDigest,
            DigestHour = 17,
            Culture = "de-DE",
            TimeZoneId = "Asia/Tokyo",
        });
        Assert.True(saved.Ok, saved.Problem);

        await factory.ChangeEtaAsync(customer.Lines[0].Id, customer.Lines[0].Eta!.Value.AddDays(6));
        var fivePmInTokyo = DigestSchedule.Next(factory.Clock.GetUtcNow(), tokyo, TimeSpan.FromHours(17));
        Assert.Empty(await ComposedAtAsync(fivePmInTokyo - TimeSpan.FromMinutes(1), customer.Id));

        var notification = Assert.Single(await ComposedAtAsync(fivePmInTokyo, customer.Id));
        Assert.Equal(NotificationKind.DailyDigest, notification.Kind);
        Assert.Equal(17, TimeZoneInfo.ConvertTime(notification.CreatedAt, tokyo).Hour);
        Assert.StartsWith("Tägliche Übersicht", notification.Subject);
        // The ERP address and the user's own address, on one email.
        Assert.Equal(Addresses($"buyer-{customer.Id}@customer.example", customer.Email), Addresses(notification.ToAddress.Split(", ")));
    }

    [Fact]
    public async Task AFurtherAddressReceivesNothingUntilItsLinkIsOpenedAndThenEveryNotice()
    {
        var customer = await factory.CreateCustomerAsync(lines: 2);
        var user = await factory.CreateUserAsync(customer.Id, $"own-{customer.Id}@customer.example");
        var colleague = $"colleague-{customer.Id}@customer.example";
        var view = (await factory.Settings().LoadAsync(user.Id, customer.Id))!;

        var saved = await factory.Settings().SaveAsync(user.Id, customer.Id, view.Unchanged() with
        {
            OwnAddressReceives = false,
            AddedAddresses = [colleague.ToUpperInvariant()],
        });
        Assert.True(saved.Ok, saved.Problem);
        Assert.Equal(1, saved.LinksSent);
        await factory.Dispatcher.DispatchDueAsync();
        var confirmation = Assert.Single(factory.Smtp.MessagesTo(colleague));
        var link = ConfirmationLink(confirmation.TextBody);

        await factory.ChangeEtaAsync(customer.Lines[0].Id, customer.Lines[0].Eta!.Value.AddDays(9));
        factory.PassCoalesceWindow();
        await factory.ComposeAndDispatchAsync();
        var first = Assert.Single(await NoticesAsync(customer.Id));
        // Pending: not a recipient. Switched off: the user's own address is not one either.
        Assert.Equal(customer.Email, first.ToAddress);
        Assert.Single(factory.Smtp.MessagesTo(colleague));

        using var client = factory.CreatePortalClient();
        var page = await client.GetAsync(new Uri(link).PathAndQuery);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("Address confirmed", await page.Content.ReadAsStringAsync());

        await factory.ChangeEtaAsync(customer.Lines[1].Id, customer.Lines[1].Eta!.Value.AddDays(4));
        factory.PassCoalesceWindow();
        await factory.ComposeAndDispatchAsync();
        var second = (await NoticesAsync(customer.Id)).Last();
        Assert.Equal(Addresses(colleague, customer.Email), Addresses(second.ToAddress.Split(", ")));
        var notice = factory.Smtp.MessagesTo(colleague).Last();
        Assert.Contains(customer.Lines[1].ProductName, notice.TextBody);
    }

    [Fact]
    public async Task ATamperedOrExpiredLinkSaysSoAndConfirmsNothing()
    {
        var customer = await factory.CreateCustomerAsync(lines: 1);
        var user = await factory.CreateUserAsync(customer.Id, $"own-{customer.Id}@customer.example");
        var colleague = $"late-{customer.Id}@customer.example";
        var view = (await factory.Settings().LoadAsync(user.Id, customer.Id))!;
        Assert.True((await factory.Settings().SaveAsync(user.Id, customer.Id, view.Unchanged() with { AddedAddresses = [colleague] })).Ok);
        await factory.Dispatcher.DispatchDueAsync();
        var link = new Uri(ConfirmationLink(Assert.Single(factory.Smtp.MessagesTo(colleague)).TextBody));
        var token = link.Query[(link.Query.IndexOf('=') + 1)..];
        var tampered = (token[0] == 'A' ? 'B' : 'A') + token[1..];
        using var client = factory.CreatePortalClient();

        foreach (var bad in new[] { tampered, token[..20], "x", token + "%3E" })
        {
            var response = await client.GetAsync($"/settings/notifications/confirm?token={bad}");
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Contains("This link does not work", await response.Content.ReadAsStringAsync());
        }

        factory.Clock.Advance(NotificationRecipient.ConfirmationLifetime + TimeSpan.FromMinutes(1));
        var expired = await client.GetAsync(link.PathAndQuery);
        Assert.Equal(HttpStatusCode.BadRequest, expired.StatusCode);
        Assert.Contains("This link has expired", await expired.Content.ReadAsStringAsync());

        await using var db = await factory.CreateDbContextAsync();
        var recipient = await db.NotificationRecipients.SingleAsync(r => r.CustomerId == customer.Id);
        Assert.Null(recipient.ConfirmedAt);
    }

    [Fact]
    public async Task AnotherCustomersSettingsAndAddressesAreNeverReachable()
    {
        var mine = await factory.CreateCustomerAsync(lines: 1);
        var theirs = await factory.CreateCustomerAsync(lines: 1);
        var me = await factory.CreateUserAsync(mine.Id, $"me-{mine.Id}@customer.example");
        var them = await factory.CreateUserAsync(theirs.Id, $"them-{theirs.Id}@customer.example");
        var theirView = (await factory.Settings().LoadAsync(them.Id, theirs.Id))!;
        Assert.True((await factory.Settings().SaveAsync(them.Id, theirs.Id, theirView.Unchanged() with { AddedAddresses = [$"x-{theirs.Id}@customer.example"] })).Ok);
        int theirRecipientId;
        await using (var db = await factory.CreateDbContextAsync())
        {
            theirRecipientId = await db.NotificationRecipients.Where(r => r.CustomerId == theirs.Id).Select(r => r.Id).SingleAsync();
        }

        // A user paired with another customer's id (a forged claim) reads and writes nothing.
        Assert.Null(await factory.Settings().LoadAsync(me.Id, theirs.Id));
        var forged = await factory.Settings().SaveAsync(me.Id, theirs.Id, theirView.Unchanged() with { Preference = NotificationPreference.EssentialOnly });
        Assert.False(forged.Ok);
        // Another customer's recipient id in my own change removes nothing of theirs.
        var myView = (await factory.Settings().LoadAsync(me.Id, mine.Id))!;
        Assert.True((await factory.Settings().SaveAsync(me.Id, mine.Id, myView.Unchanged() with { RemovedRecipientIds = [theirRecipientId] })).Ok);

        await using var check = await factory.CreateDbContextAsync();
        Assert.True(await check.NotificationRecipients.AnyAsync(r => r.Id == theirRecipientId));
        Assert.Equal(NotificationPreference.Immediate, (await check.Customers.SingleAsync(c => c.Id == theirs.Id)).NotificationPreference);
        Assert.Empty((await factory.Settings().LoadAsync(me.Id, mine.Id))!.Recipients);
    }

    [Fact]
    public async Task AWindowsZoneFromTheErpShowsAsItsIanaZoneAndSavesUnchanged()
    {
        var customer = await factory.CreateCustomerAsync(lines: 1, timeZone: "W. Europe Standard Time");
        var user = await factory.CreateUserAsync(customer.Id, $"own-{customer.Id}@customer.example");

        var view = (await factory.Settings().LoadAsync(user.Id, customer.Id))!;

        Assert.Equal("Europe/Berlin", view.TimeZoneId);
        var saved = await factory.Settings().SaveAsync(user.Id, customer.Id, view.Unchanged());
        Assert.True(saved.Ok, saved.Problem);
    }

    [Theory]
    [InlineData("not-an-address", "is not an email address we can send to")]
    [InlineData("x\"@example.com", "is not an email address we can send to")]
    [InlineData("", "Enter an email address")]
    public async Task ABadAddressIsRefusedWithAClearMessageAndNothingIsSaved(string address, string message)
    {
        var customer = await factory.CreateCustomerAsync(lines: 1);
        var user = await factory.CreateUserAsync(customer.Id, $"own-{customer.Id}@customer.example");
        var view = (await factory.Settings().LoadAsync(user.Id, customer.Id))!;

        var result = await factory.Settings().SaveAsync(user.Id, customer.Id, view.Unchanged() with
        {
            Preference = NotificationPreference.EssentialOnly,
            AddedAddresses = [address],
        });

        Assert.False(result.Ok);
        Assert.Contains(message, result.Problem);
        Assert.Equal(NotificationPreference.Immediate, (await factory.Settings().LoadAsync(user.Id, customer.Id))!.Preference);
    }

    [Theory]
    [InlineData(24, "en-US", "Europe/Berlin", "between 00:00 and 23:00")]
    [InlineData(8, "fr-FR", "Europe/Berlin", "English or Deutsch")]
    [InlineData(8, "en-US", "Mars/Olympus_Mons", "not a time zone we know")]
    [InlineData(8, "en-US", "W. Europe Standard Time", "not a time zone we know")]
    public async Task AnHourLanguageOrZoneOutsideTheChoicesIsRefused(int hour, string culture, string zone, string message)
    {
        var customer = await factory.CreateCustomerAsync(lines: 1);
        var user = await factory.CreateUserAsync(customer.Id, $"own-{customer.Id}@customer.example");
        var view = (await factory.Settings().LoadAsync(user.Id, customer.Id))!;

        var result = await factory.Settings().SaveAsync(user.Id, customer.Id, view.Unchanged() with { DigestHour = hour, Culture = culture, TimeZoneId = zone });

        Assert.False(result.Ok);
        Assert.Contains(message, result.Problem);
    }

    /// <summary>Moves the clock to <paramref name="instant"/>, runs both loops once, and returns the customer's emails so far.</summary>
    private async Task<List<Notification>> ComposedAtAsync(DateTimeOffset instant, int customerId)
    {
        factory.Clock.Advance(instant - factory.Clock.GetUtcNow());
        await factory.ComposeAndDispatchAsync();
        return await factory.NotificationsForAsync(customerId);
    }

    /// <summary>The customer's delivery notices, without the account emails (the confirmation links) of the same customer.</summary>
    private async Task<List<Notification>> NoticesAsync(int customerId) =>
        [.. (await factory.NotificationsForAsync(customerId)).Where(n => n.Kind != NotificationKind.AccountEmail)];

    private static string[] Addresses(params string[] addresses) => [.. addresses.Order(StringComparer.Ordinal)];

    private static string ConfirmationLink(string? text) =>
        ConfirmationLinkPattern().Match(text ?? "") is { Success: true } match ? match.Value : throw new InvalidOperationException("No confirmation link in: " + text);

    [GeneratedRegex(@"https://portal\.example\.com/settings/notifications/confirm\?token=[A-Za-z0-9_-]+")]
    private static partial Regex ConfirmationLinkPattern();
}
