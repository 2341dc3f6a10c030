using System.Security.Claims;
using Claim = System.Security.Claims.Claim;
using Bunit;
using BacklogPortal.Calendar;
using BacklogPortal.Components.Account;
using BacklogPortal.Data;
using BacklogPortal.Domain;
using BacklogPortal.Hosting;
using BacklogPortal.Notifications;
using BacklogPortal.Settings;
using BacklogPortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using MudBlazor;

namespace BacklogPortal.Tests.Settings;

/// <summary>The settings form over a real SQLite file: what it shows, what it refuses, what one save writes.</summary>
public sealed class NotificationSettingsPageTests : PortalComponentTestContext
{
    private Customer customer = default!;
    private const string UserId = "user-alice";

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        Services.AddLogging();
        Services.AddSingleton<IOptions<PortalOptions>>(Options.Create(new PortalOptions { PublicBaseUrl = "https://portal.example.com" }));
        Services.AddSingleton<IOptions<NotificationsOptions>>(Options.Create(new NotificationsOptions()));
        Services.AddSingleton<DispatchSignal>();
        Services.AddSingleton<EmailQueue>();
        Services.AddSingleton<NotificationSettings>();
        Services.AddSingleton<CustomerCalendar>();
        Services.AddLocalization();
        Services.AddMemoryCache();
        Services.AddSingleton<BacklogPortal.Localization.CustomerLocales>();
        customer = await Build.CustomerAsync("Northwind Traders");
        await using var db = Database.CreateDbContext();
        db.Users.Add(new ApplicationUser { Id = UserId, UserName = "alice@example.com", Email = "alice@example.com", EmailConfirmed = true, CustomerId = customer.Id });
        db.NotificationRecipients.Add(new NotificationRecipient
        {
            CustomerId = customer.Id,
            Email = "purchasing@northwind.example",
            AddedAt = Clock.GetUtcNow(),
            ConfirmedAt = Clock.GetUtcNow(),
            ConfirmationExpiresAt = Clock.GetUtcNow(),
        });
        await db.SaveChangesAsync();
    }

    private IRenderedComponent<NotificationSettingsPage> RenderPage()
    {
        Authorization.SetAuthorized("alice@example.com");
        Authorization.SetRoles(Roles.Customer);
        Authorization.SetClaims(
            new Claim(ClaimTypes.NameIdentifier, UserId),
            new Claim(PortalClaims.CustomerId, customer.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        var page = RenderInteractive<NotificationSettingsPage>();
        page.WaitForElement("[data-testid=save-settings]");
        return page;
    }

    [Fact]
    public async Task ChoosingADailyDigestAndSavingWritesItAndSaysSo()
    {
        var page = RenderPage();
        Assert.Empty(page.FindAll("[data-testid=digest-hour]"));

        page.Find("input[data-testid=preference-digest]").Click();
        page.WaitForElement("[data-testid=digest-hour]");
        page.Find("button[data-testid=save-settings]").Click();

        page.WaitForAssertion(() => Assert.Contains(Services.GetRequiredService<ISnackbar>().ShownSnackbars, s => s.Message == "Your notification settings are saved."));
        await using var db = Database.CreateDbContext();
        var saved = await db.Customers.SingleAsync(c => c.Id == customer.Id);
        Assert.Equal(NotificationPreference.DailyDigest, saved.NotificationPreference);
        Assert.Equal(8, saved.DigestHour);
    }

    [Fact]
    public void AnAddressThatCannotBeSentToIsRefusedWithAClearMessage()
    {
        var page = RenderPage();

        page.Find("input[data-testid=new-recipient]").Input("purchasing at northwind");
        page.Find("button[data-testid=add-recipient]").Click();

        page.WaitForAssertion(() => Assert.Contains("is not an email address we can send to", page.Markup));
        Assert.Empty(page.FindAll("[data-testid=recipient-added]"));
    }

    [Fact]
    public void AnAddressOnTheListAlreadyIsNotAddedTwice()
    {
        var page = RenderPage();
        Assert.Contains("purchasing@northwind.example", page.Find("[data-testid=recipients]").TextContent);

        page.Find("input[data-testid=new-recipient]").Input("Purchasing@Northwind.example");
        page.Find("button[data-testid=add-recipient]").Click();

        page.WaitForAssertion(() => Assert.Contains("purchasing@northwind.example is on the list already.", page.Markup));
    }

    [Fact]
    public async Task AddedAndRemovedAddressesAreWrittenTogetherOnSave()
    {
        var page = RenderPage();

        page.Find("button[data-testid=remove-recipient]").Click();
        page.Find("input[data-testid=new-recipient]").Input("buyer2@northwind.example");
        page.Find("button[data-testid=add-recipient]").Click();
        page.WaitForElement("[data-testid=recipient-added]");
        page.Find("button[data-testid=save-settings]").Click();

        page.WaitForAssertion(() => Assert.Contains("Pending", page.Find("[data-testid=recipients]").TextContent));
        await using var db = Database.CreateDbContext();
        var recipients = await db.NotificationRecipients.Where(r => r.CustomerId == customer.Id).ToListAsync();
        var added = Assert.Single(recipients);
        Assert.Equal("buyer2@northwind.example", added.Email);
        Assert.Null(added.ConfirmedAt);
        // The confirmation email was queued in the same save.
        Assert.Equal(1, await db.Notifications.CountAsync(n => n.Kind == NotificationKind.AccountEmail && n.ToAddress == "buyer2@northwind.example"));
    }
}
