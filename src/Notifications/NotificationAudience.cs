using BacklogPortal.Data;

namespace BacklogPortal.Notifications;

/// <summary>
/// Who receives a customer's notices and when their digest goes out, exactly as chosen on
/// <c>/settings/notifications</c> (decision 011): the account's ERP address, every user's own confirmed
/// address unless they switched it off, and every further address once it was confirmed by its link.
/// The composer and the staff re-queue both ask here, so a pending address never receives anything.
/// </summary>
public static class NotificationAudience
{
    /// <summary>The addresses of each customer besides the ERP one: users who receive notices, confirmed further addresses.</summary>
    public static async Task<ILookup<int, string>> AddressesAsync(PortalDbContext db, IReadOnlyCollection<int> customerIds, CancellationToken cancellationToken)
    {
        var users = await db.Users
            .Where(u => u.CustomerId != null && customerIds.Contains(u.CustomerId.Value)
                && u.EmailConfirmed && u.Email != null && !u.ExcludedFromNotifications)
            .Select(u => new { CustomerId = u.CustomerId!.Value, Email = u.Email! })
            .ToListAsync(cancellationToken);
        var further = await db.NotificationRecipients
            .Where(r => customerIds.Contains(r.CustomerId) && r.ConfirmedAt != null)
            .Select(r => new { r.CustomerId, r.Email })
            .ToListAsync(cancellationToken);
        return users.Concat(further).ToLookup(a => a.CustomerId, a => a.Email);
    }

    /// <summary>The To header: the ERP address and the other addresses, each once, in a stable order.</summary>
    public static string Recipients(Customer customer, IEnumerable<string> addresses)
    {
        var all = string.IsNullOrWhiteSpace(customer.NotificationEmail) ? addresses : addresses.Append(customer.NotificationEmail.Trim());
        return string.Join(", ", all.Distinct(StringComparer.OrdinalIgnoreCase).Order(StringComparer.OrdinalIgnoreCase));
    }

    /// <summary>The customer's digest time of day (their chosen hour, local to their zone), or the portal's default.</summary>
    public static TimeSpan DigestTimeOfDay(int? digestHour, TimeSpan portalDefault) =>
        digestHour is >= 0 and <= 23 ? TimeSpan.FromHours(digestHour.Value) : portalDefault;
}
