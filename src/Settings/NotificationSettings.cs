using System.Globalization;
using BacklogPortal.Data;
using BacklogPortal.Email;
using BacklogPortal.Hosting;
using BacklogPortal.Localization;
using BacklogPortal.Notifications;

namespace BacklogPortal.Settings;

/// <summary>
/// Reads and saves a customer account's notification settings (<c>/settings/notifications</c>). Every read and
/// write names the customer id from the signed-in user's claims and the user's own id: no value on the page can
/// reach another customer's settings or another user's switch.
/// </summary>
public sealed class NotificationSettings(
    IDbContextFactory<PortalDbContext> dbFactory,
    EmailQueue emailQueue,
    IOptions<PortalOptions> portal,
    IOptions<NotificationsOptions> notifications,
    CustomerLocales locales,
    TimeProvider clock,
    ILogger<NotificationSettings> logger)
{
    /// <summary>Further addresses per customer account: enough for a team, few enough that the form stays a list.</summary>
    public const int MaxFurtherRecipients = 20;

    /// <summary>The languages emails and pages are written in; the value stored is the culture's name.</summary>
    public static readonly IReadOnlyList<(string Culture, string Name)> Languages = [("en-US", "English"), ("de-DE", "Deutsch")];

    public async Task<NotificationSettingsView?> LoadAsync(string userId, int customerId, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var customer = await db.Customers.AsNoTracking().Where(c => c.Id == customerId)
            .Select(c => new { c.Name, c.NotificationPreference, c.DigestHour, c.Culture, c.TimeZoneId, c.NotificationEmail })
            .SingleOrDefaultAsync(cancellationToken);
        var user = await db.Users.AsNoTracking().Where(u => u.Id == userId && u.CustomerId == customerId)
            .Select(u => new { u.Email, u.EmailConfirmed, u.ExcludedFromNotifications, HasFeed = u.CalendarFeedTokenHash != null })
            .SingleOrDefaultAsync(cancellationToken);
        if (customer is null || user is null)
        {
            return null;
        }
        var recipients = await db.NotificationRecipients.AsNoTracking().Where(r => r.CustomerId == customerId)
            .OrderBy(r => r.Email)
            .Select(r => new RecipientView(r.Id, r.Email, r.ConfirmedAt != null, r.ConfirmationExpiresAt))
            .ToListAsync(cancellationToken);
        return new NotificationSettingsView(
            customer.Name,
            customer.NotificationPreference,
            customer.DigestHour ?? (int)notifications.Value.DigestTimeOfDay.TotalHours,
            LanguageOf(customer.Culture),
            IanaIdOf(customer.TimeZoneId),
            user.Email ?? "",
            user.EmailConfirmed,
            !user.ExcludedFromNotifications,
            string.IsNullOrWhiteSpace(customer.NotificationEmail) ? null : customer.NotificationEmail.Trim(),
            recipients,
            user.HasFeed,
            clock.GetUtcNow());
    }

    /// <summary>Checks the change, then writes it in one transaction with the confirmation emails of added addresses.</summary>
    public async Task<SettingsSaveResult> SaveAsync(string userId, int customerId, SettingsChange change, CancellationToken cancellationToken = default)
    {
        var current = await LoadAsync(userId, customerId, cancellationToken);
        if (current is null)
        {
            return SettingsSaveResult.Invalid(new("Your account is not linked to a customer account any more. Sign in again."));
        }
        var problem = Check(change, current);
        if (problem is not null)
        {
            return SettingsSaveResult.Invalid(problem);
        }
        var added = change.AddedAddresses.Select(Normalize).Distinct(StringComparer.Ordinal).ToList();
        var now = clock.GetUtcNow();
        var expiresAt = now + NotificationRecipient.ConfirmationLifetime;

        var addedCount = await dbFactory.RunWithRetriesAsync(async () =>
        {
            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            var customer = await db.Customers.SingleAsync(c => c.Id == customerId, cancellationToken);
            customer.NotificationPreference = change.Preference;
            customer.DigestHour = change.DigestHour;
            // A regional culture the ERP set (de-AT) stays as long as its language is the one chosen.
            if (LanguageOf(customer.Culture) != change.Culture)
            {
                customer.Culture = change.Culture;
            }
            customer.TimeZoneId = change.TimeZoneId;

            var user = await db.Users.SingleAsync(u => u.Id == userId && u.CustomerId == customerId, cancellationToken);
            user.ExcludedFromNotifications = !change.OwnAddressReceives;

            var removed = change.RemovedRecipientIds.ToList();
            if (removed.Count > 0)
            {
                await db.NotificationRecipients.Where(r => r.CustomerId == customerId && removed.Contains(r.Id)).ExecuteDeleteAsync(cancellationToken);
            }
            await db.SaveChangesAsync(cancellationToken);
            // The address and its link exist together or not at all: a link never names an address that was not saved.
            foreach (var email in added)
            {
                var token = SecretToken.New();
                db.NotificationRecipients.Add(new NotificationRecipient
                {
                    CustomerId = customerId,
                    Email = email,
                    AddedAt = now,
                    ConfirmationTokenHash = SecretToken.HashOf(token),
                    ConfirmationExpiresAt = expiresAt,
                });
                await emailQueue.AddAsync(db, ConfirmationEmail(customerId, email, current, token, expiresAt), now, cancellationToken);
            }
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return added.Count;
        }, cancellationToken: cancellationToken);
        // Pages read the language and zone through a short cache; the next page load shows the new choice.
        locales.Forget(customerId);
        if (addedCount > 0)
        {
            emailQueue.WakeDispatcher();
        }
        logger.LogInformation("Notification settings of customer {CustomerId} saved by user {UserId}: {Added} address(es) added, {Removed} removed",
            customerId, userId, addedCount, change.RemovedRecipientIds.Count);
        return SettingsSaveResult.Saved(addedCount, languageChanged: change.Culture != current.Culture);
    }

    /// <summary>A new link for a pending address (the old one stops working).</summary>
    public async Task<bool> ResendConfirmationAsync(string userId, int customerId, int recipientId, CancellationToken cancellationToken = default)
    {
        var current = await LoadAsync(userId, customerId, cancellationToken);
        if (current is null)
        {
            return false;
        }
        var token = SecretToken.New();
        var hash = SecretToken.HashOf(token);
        var now = clock.GetUtcNow();
        var expiresAt = now + NotificationRecipient.ConfirmationLifetime;
        var sent = await dbFactory.RunWithRetriesAsync(async () =>
        {
            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            var email = await db.NotificationRecipients.Where(r => r.Id == recipientId && r.CustomerId == customerId && r.ConfirmedAt == null)
                .Select(r => r.Email).SingleOrDefaultAsync(cancellationToken);
            if (email is null)
            {
                return false;
            }
            // The new link replaces the old one: only the latest email confirms.
            await db.NotificationRecipients.Where(r => r.Id == recipientId && r.CustomerId == customerId && r.ConfirmedAt == null)
                .ExecuteUpdateAsync(s => s.SetProperty(r => r.ConfirmationTokenHash, hash).SetProperty(r => r.ConfirmationExpiresAt, expiresAt), cancellationToken);
            await emailQueue.AddAsync(db, ConfirmationEmail(customerId, email, current, token, expiresAt), now, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return true;
        }, cancellationToken: cancellationToken);
        if (sent)
        {
            emailQueue.WakeDispatcher();
        }
        return sent;
    }

    /// <summary>Opens a confirmation link: anonymous, the token alone names the address.</summary>
    public async Task<RecipientConfirmation> ConfirmAsync(string? token, CancellationToken cancellationToken = default)
    {
        var hash = SecretToken.HashOf(token);
        if (hash is null)
        {
            return new RecipientConfirmation(RecipientConfirmationOutcome.Invalid, null);
        }
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var recipient = await db.NotificationRecipients.AsNoTracking().Where(r => r.ConfirmationTokenHash == hash)
            .Select(r => new { r.Id, r.Email, r.ConfirmedAt, r.ConfirmationExpiresAt })
            .SingleOrDefaultAsync(cancellationToken);
        if (recipient is null)
        {
            return new RecipientConfirmation(RecipientConfirmationOutcome.Invalid, null);
        }
        if (recipient.ConfirmedAt is not null)
        {
            return new RecipientConfirmation(RecipientConfirmationOutcome.Confirmed, recipient.Email);
        }
        var now = clock.GetUtcNow();
        if (recipient.ConfirmationExpiresAt < now)
        {
            return new RecipientConfirmation(RecipientConfirmationOutcome.Expired, recipient.Email);
        }
        // Guarded: a link that expired or was replaced between the read and now confirms nothing.
        var confirmed = await db.NotificationRecipients
            .Where(r => r.Id == recipient.Id && r.ConfirmationTokenHash == hash && r.ConfirmedAt == null && r.ConfirmationExpiresAt >= now)
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.ConfirmedAt, now), cancellationToken);
        return new RecipientConfirmation(confirmed == 1 ? RecipientConfirmationOutcome.Confirmed : RecipientConfirmationOutcome.Invalid, recipient.Email);
    }

    /// <summary>The first thing wrong with a change, in words for the customer; null when it can be saved.</summary>
    public static SettingsMessage? Check(SettingsChange change, NotificationSettingsView current)
    {
        if (!Enum.IsDefined(change.Preference))
        {
            return new("Choose when we email you.");
        }
        if (change.DigestHour is < 0 or > 23)
        {
            return new("Choose the hour of the daily digest between 00:00 and 23:00.");
        }
        if (!Languages.Any(l => l.Culture == change.Culture))
        {
            return new("Choose English or Deutsch as the language.");
        }
        if (!TimeZoneInfo.TryFindSystemTimeZoneById(change.TimeZoneId, out var zone) || !zone.HasIanaId)
        {
            return new("\"{0}\" is not a time zone we know. Choose one from the list, e.g. Europe/Berlin.", change.TimeZoneId);
        }
        foreach (var address in change.AddedAddresses)
        {
            var problem = CheckAddress(address, current, change.AddedAddresses.Where(a => !ReferenceEquals(a, address)));
            if (problem is not null)
            {
                return problem;
            }
        }
        var kept = current.Recipients.Count(r => !change.RemovedRecipientIds.Contains(r.Id));
        if (kept + change.AddedAddresses.Count > MaxFurtherRecipients)
        {
            return new("An account can have at most {0} further addresses. Remove one before adding another.", MaxFurtherRecipients);
        }
        return null;
    }

    /// <summary>Whether an address may be added beside the ones the account has; null when it may.</summary>
    public static SettingsMessage? CheckAddress(string address, NotificationSettingsView current, IEnumerable<string> alsoAdded)
    {
        if (string.IsNullOrWhiteSpace(address))
        {
            return new("Enter an email address.");
        }
        if (address.Trim().Length > NotificationRecipient.MaxEmailLength || !DeliverableEmailAttribute.IsDeliverable(address))
        {
            return new("\"{0}\" is not an email address we can send to. Enter it as name@company.com.", address.Trim());
        }
        var normalized = Normalize(address);
        if (string.Equals(normalized, current.OwnAddress, StringComparison.OrdinalIgnoreCase))
        {
            return new("This is your own address; switch it on above instead.");
        }
        if (string.Equals(normalized, current.ErpAddress, StringComparison.OrdinalIgnoreCase))
        {
            return new("This address receives the notices already (it is the address on file for your account).");
        }
        if (current.Recipients.Any(r => r.Email == normalized) || alsoAdded.Any(a => Normalize(a) == normalized))
        {
            return new("{0} is on the list already.", normalized);
        }
        return null;
    }

    /// <summary>The language choice a stored culture falls under (de-AT → de-DE); English for anything else.</summary>
    public static string LanguageOf(string? culture) =>
        CustomerLocale.CultureFor(culture).TwoLetterISOLanguageName == "de" ? "de-DE" : "en-US";

    /// <summary>The zone as the page offers it: an IANA id, also when the ERP stored a Windows id ("W. Europe Standard Time").</summary>
    private static string IanaIdOf(string? timeZoneId)
    {
        var zone = CustomerLocale.ZoneFor(timeZoneId);
        return zone.HasIanaId ? zone.Id : TimeZoneInfo.TryConvertWindowsIdToIanaId(zone.Id, out var iana) ? iana : "UTC";
    }

    /// <summary>Stored lower-case, so one mailbox is one row whatever the case it was typed in.</summary>
    private static string Normalize(string address) => address.Trim().ToLowerInvariant();

    private OutgoingEmail ConfirmationEmail(int customerId, string email, NotificationSettingsView current, string token, DateTimeOffset expiresAt) =>
        RecipientConfirmationEmail.For(customerId, email, current.CustomerName, current.OwnAddress,
            $"{portal.Value.PublicBaseUrl.TrimEnd('/')}/settings/notifications/confirm?token={token}", expiresAt);
}

public sealed record NotificationSettingsView(
    string CustomerName,
    NotificationPreference Preference,
    int DigestHour,
    string Culture,
    string TimeZoneId,
    string OwnAddress,
    bool OwnAddressConfirmed,
    bool OwnAddressReceives,
    string? ErpAddress,
    IReadOnlyList<RecipientView> Recipients,
    bool HasCalendarFeed,
    DateTimeOffset LoadedAt);

public sealed record RecipientView(int Id, string Email, bool Confirmed, DateTimeOffset ConfirmationExpiresAt);

/// <summary>What the form sends: the choices, and the further addresses added and removed since it was loaded.</summary>
public sealed record SettingsChange(
    NotificationPreference Preference,
    int DigestHour,
    string Culture,
    string TimeZoneId,
    bool OwnAddressReceives,
    IReadOnlyList<string> AddedAddresses,
    IReadOnlyCollection<int> RemovedRecipientIds);

/// <param name="LinksSent">Confirmation emails queued for added addresses (the dispatcher sends them within seconds).</param>
/// <param name="LanguageChanged">The pages' language changed: it takes effect at the next page load.</param>
public sealed record SettingsSaveResult(bool Ok, SettingsMessage? ProblemMessage, int LinksSent, bool LanguageChanged = false)
{
    /// <summary>The problem in English.</summary>
    public string? Problem => ProblemMessage?.ToString();

    public static SettingsSaveResult Invalid(SettingsMessage problem) => new(false, problem, 0);

    public static SettingsSaveResult Saved(int links, bool languageChanged) => new(true, null, links, languageChanged);
}

/// <summary>A message for the customer: an English format (the key of its translation in <c>SettingsTexts</c>) and its values.</summary>
public sealed record SettingsMessage(string Format, params object[] Args)
{
    public override string ToString() => string.Format(CultureInfo.InvariantCulture, Format, Args);
}

public enum RecipientConfirmationOutcome
{
    Confirmed,
    Expired,
    Invalid,
}

public sealed record RecipientConfirmation(RecipientConfirmationOutcome Outcome, string? Email);
