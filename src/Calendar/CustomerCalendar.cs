using System.Linq.Expressions;
using BacklogPortal.Data;
using BacklogPortal.Hosting;

namespace BacklogPortal.Calendar;

/// <summary>A written calendar and the file name it is offered under.</summary>
public sealed record CalendarDownload(string FileName, string Ics);

/// <summary>
/// A customer's delivery dates as calendars: one line's .ics, and the personal feed that calendar apps poll.
/// The line and every feed row are read with the customer id first — from the signed-in user's claims for a
/// download, from the user the feed token belongs to for the feed — so no id in a URL reaches another customer.
/// </summary>
public sealed class CustomerCalendar(IDbContextFactory<PortalDbContext> dbFactory, IOptions<PortalOptions> portal, TimeProvider clock)
{
    private readonly string baseUrl = portal.Value.PublicBaseUrl.TrimEnd('/');
    private readonly string host = CalendarWriter.HostOf(portal.Value.PublicBaseUrl);

    /// <summary>One line's expected delivery; null when the line is not the customer's or its date is not yet known.</summary>
    public async Task<CalendarDownload?> LineAsync(int customerId, int lineId, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var line = await db.OrderLines.AsNoTracking()
            .Where(l => l.CustomerId == customerId && l.Id == lineId && l.Eta != null)
            .Select(Row)
            .SingleOrDefaultAsync(cancellationToken);
        if (line is null)
        {
            return null;
        }
        var culture = await db.Customers.Where(c => c.Id == customerId).Select(c => c.Culture).SingleAsync(cancellationToken);
        var ics = CalendarWriter.Write([Entry(line)], CustomerLocale.CultureFor(culture), host, clock.GetUtcNow());
        return new CalendarDownload($"delivery-{SafeFileName(line.OrderNumber)}-{line.LineNumber}.ics", ics);
    }

    /// <summary>The feed of the user whose token this is: every open line of their customer with a known date; null for an unknown or revoked token.</summary>
    public async Task<CalendarDownload?> FeedAsync(string? token, CancellationToken cancellationToken = default)
    {
        var hash = SecretToken.HashOf(token);
        if (hash is null)
        {
            return null;
        }
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var owner = await db.Users.AsNoTracking()
            .Where(u => u.CalendarFeedTokenHash == hash && u.CustomerId != null)
            .Select(u => new { CustomerId = u.CustomerId!.Value, u.Customer!.Name, u.Customer.Culture })
            .SingleOrDefaultAsync(cancellationToken);
        if (owner is null)
        {
            return null;
        }
        var lines = await db.OrderLines.AsNoTracking()
            .Where(l => l.CustomerId == owner.CustomerId && l.Eta != null)
            .Where(LineRules.IsOpen)
            .OrderBy(l => l.Eta).ThenBy(l => l.Id)
            .Select(Row)
            .ToListAsync(cancellationToken);
        var culture = CustomerLocale.CultureFor(owner.Culture);
        var name = culture.TwoLetterISOLanguageName == "de" ? $"Liefertermine {owner.Name}" : $"Deliveries {owner.Name}";
        var ics = CalendarWriter.Write(lines.Select(Entry), culture, host, clock.GetUtcNow(), name);
        return new CalendarDownload("deliveries.ics", ics);
    }

    /// <summary>A new feed address for the user; the previous one stops working at once. The token is returned once and never stored.</summary>
    public async Task<string?> RenewFeedAsync(string userId, int customerId, CancellationToken cancellationToken = default)
    {
        var token = SecretToken.New();
        var hash = SecretToken.HashOf(token);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var updated = await db.Users.Where(u => u.Id == userId && u.CustomerId == customerId)
            .ExecuteUpdateAsync(s => s.SetProperty(u => u.CalendarFeedTokenHash, hash), cancellationToken);
        return updated == 1 ? token : null;
    }

    public async Task RevokeFeedAsync(string userId, int customerId, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await db.Users.Where(u => u.Id == userId && u.CustomerId == customerId)
            .ExecuteUpdateAsync(s => s.SetProperty(u => u.CalendarFeedTokenHash, (string?)null), cancellationToken);
    }

    /// <summary>The feed's address for calendar apps that take a web address (Google Calendar, Outlook on the web).</summary>
    public string FeedUrl(string token) => $"{baseUrl}/calendar/feed/{token}.ics";

    /// <summary>The same address as a webcal: link, which opens the subscription dialog of Outlook and Apple Calendar.</summary>
    public string WebcalUrl(string token) => "webcal" + baseUrl[baseUrl.IndexOf("://", StringComparison.Ordinal)..] + $"/calendar/feed/{token}.ics";

    private static readonly Expression<Func<OrderLine, LineRow>> Row = l => new LineRow(
        l.Id, l.Order!.OrderNumber, l.LineNumber, l.Product!.Sku, l.Product.Name,
        l.QuantityOrdered, l.QuantityShipped, l.QuantityCancelled, l.Eta!.Value, l.EtaChangeCount);

    private CalendarEntry Entry(LineRow line) => new(line.Id, line.OrderNumber, line.Sku, line.ProductName,
        LineRules.OpenQuantity(line.QuantityOrdered, line.QuantityShipped, line.QuantityCancelled), line.Eta, line.ChangeCount,
        $"{baseUrl}/orders/{Uri.EscapeDataString(line.OrderNumber)}?line={line.Id}");

    private static string SafeFileName(string text) => string.Concat(text.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' ? c : '-'));

    private sealed record LineRow(int Id, string OrderNumber, int LineNumber, string Sku, string ProductName,
        int QuantityOrdered, int QuantityShipped, int QuantityCancelled, DateOnly Eta, int ChangeCount);
}
