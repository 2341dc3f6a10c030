using BacklogPortal.Data;
using Microsoft.Extensions.Caching.Memory;

namespace BacklogPortal.Localization;

/// <summary>
/// A customer account's language and time zone (<see cref="Customer.Culture"/>, <see cref="Customer.TimeZoneId"/>)
/// for pages, read once a minute at most: the request culture is decided on every request, static files included.
/// Whoever changes the two calls <see cref="Forget"/>, so that the next page load shows the new choice.
/// </summary>
public sealed class CustomerLocales(IDbContextFactory<PortalDbContext> dbFactory, IMemoryCache cache)
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(1);

    public async Task<CustomerLocale> GetAsync(int customerId, CancellationToken cancellationToken = default)
    {
        if (cache.TryGetValue(Key(customerId), out CustomerLocale? known) && known is not null)
        {
            return known;
        }
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var stored = await db.Customers.AsNoTracking()
            .Where(c => c.Id == customerId)
            .Select(c => new { c.Culture, c.TimeZoneId })
            .SingleOrDefaultAsync(cancellationToken);
        var locale = CustomerLocale.For(stored?.Culture, stored?.TimeZoneId);
        cache.Set(Key(customerId), locale, Lifetime);
        return locale;
    }

    /// <summary>After the customer's language or time zone changed.</summary>
    public void Forget(int customerId) => cache.Remove(Key(customerId));

    private static string Key(int customerId) => $"customer-locale:{customerId}";
}
