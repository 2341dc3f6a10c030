using BacklogPortal.Data;

namespace BacklogPortal.Notifications;

public sealed record NotificationLogQuery(int Page, int PageSize, NotificationStatus? Status = null, string? Search = null);

public sealed record NotificationLogEntry(
    long Id,
    DateTimeOffset CreatedAt,
    int? CustomerId,
    string? CustomerNumber,
    string? CustomerName,
    NotificationKind Kind,
    string ToAddress,
    string Subject,
    NotificationStatus Status,
    int Attempts,
    string? LastError,
    DateTimeOffset? SentAt,
    DateTimeOffset NextAttemptAt,
    DateTimeOffset? LastAttemptAt);

public sealed record NotificationLogPage(IReadOnlyList<NotificationLogEntry> Items, int TotalCount);

/// <summary>
/// One stored email in full, as the customer got (or will get) it; without its body (null) when the body
/// carries a link token that staff must not hold (<see cref="NotificationRules.BodyVisibleToStaff"/>).
/// </summary>
public sealed record NotificationDetail(
    long Id,
    NotificationKind Kind,
    string? CustomerName,
    string ToAddress,
    string Subject,
    string? MessageId,
    NotificationStatus Status,
    string? HtmlBody,
    string? TextBody,
    string? CalendarIcs,
    string? LastError)
{
    public bool BodyHidden => !NotificationRules.BodyVisibleToStaff(Kind);
}

public enum RequeueResult
{
    Requeued,
    NotFound,
    NotFailed,
    NoRecipient,
}

/// <summary>The staff view of notifications: the log with filters, one email in full, and re-queueing failed ones.</summary>
public sealed class NotificationLog(
    IDbContextFactory<PortalDbContext> dbFactory,
    DispatchSignal dispatchSignal,
    TimeProvider clock,
    ILogger<NotificationLog> logger)
{
    public async Task<NotificationLogPage> GetPageAsync(NotificationLogQuery query, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var notifications = db.Notifications.AsQueryable();
        if (query.Status is { } status)
        {
            notifications = notifications.Where(n => n.Status == status);
        }
        // Account emails to staff or new registrations have no customer.
        var rows = from n in notifications
                   join c in db.Customers on n.CustomerId equals (int?)c.Id into customers
                   from c in customers.DefaultIfEmpty()
                   select new { n, c };
        if (!string.IsNullOrWhiteSpace(query.Search))
        {
            var term = query.Search.Trim();
            rows = rows.Where(r => r.n.ToAddress.Contains(term) || r.n.Subject.Contains(term)
                || (r.c != null && (r.c.Name.Contains(term) || r.c.Number.Contains(term))));
        }
        var total = await rows.CountAsync(cancellationToken);
        // Newest first; ids grow with creation time and sort on the primary key.
        var items = await rows
            .OrderByDescending(r => r.n.Id)
            .Skip(query.Page * query.PageSize)
            .Take(query.PageSize)
            .Select(r => new NotificationLogEntry(r.n.Id, r.n.CreatedAt, r.n.CustomerId,
                r.c == null ? null : r.c.Number, r.c == null ? null : r.c.Name, r.n.Kind, r.n.ToAddress, r.n.Subject,
                r.n.Status, r.n.Attempts, r.n.LastError, r.n.SentAt, r.n.NextAttemptAt, r.n.LastAttemptAt))
            .ToListAsync(cancellationToken);
        return new NotificationLogPage(items, total);
    }

    public async Task<IReadOnlyDictionary<NotificationStatus, int>> CountByStatusAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var counts = await db.Notifications.GroupBy(n => n.Status).Select(g => new { g.Key, Count = g.Count() }).ToListAsync(cancellationToken);
        return Enum.GetValues<NotificationStatus>().ToDictionary(s => s, s => counts.FirstOrDefault(c => c.Key == s)?.Count ?? 0);
    }

    public async Task<NotificationDetail?> GetAsync(long id, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var found = await (
                from n in db.Notifications
                where n.Id == id
                join c in db.Customers on n.CustomerId equals (int?)c.Id into customers
                from c in customers.DefaultIfEmpty()
                select new { n.Id, n.Kind, CustomerName = c == null ? null : c.Name, n.ToAddress, n.Subject, n.MessageId, n.Status, n.LastError })
            .SingleOrDefaultAsync(cancellationToken);
        if (found is null)
        {
            return null;
        }
        // A body with a link token is never even read for staff.
        var body = NotificationRules.BodyVisibleToStaff(found.Kind)
            ? await db.NotificationBodies.AsNoTracking().SingleOrDefaultAsync(b => b.NotificationId == id, cancellationToken)
            : null;
        return new NotificationDetail(found.Id, found.Kind, found.CustomerName, found.ToAddress, found.Subject, found.MessageId, found.Status,
            body?.HtmlBody, body?.TextBody, body?.CalendarIcs, found.LastError);
    }

    /// <summary>
    /// Sends a failed email again, now. A customer's recipients are looked up afresh (staff usually
    /// re-queue after correcting an address); an account email keeps its one recipient; the content
    /// and the Message-ID stay as they were.
    /// </summary>
    public async Task<RequeueResult> RequeueAsync(long id, string requeuedBy, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var notification = await db.Notifications.AsNoTracking().Where(n => n.Id == id)
            .Select(n => new { n.Status, n.CustomerId, n.Kind, n.ToAddress })
            .SingleOrDefaultAsync(cancellationToken);
        if (notification is null)
        {
            return RequeueResult.NotFound;
        }
        if (notification.Status != NotificationStatus.Failed)
        {
            return RequeueResult.NotFailed;
        }
        var to = notification.CustomerId is { } customerId && notification.Kind != NotificationKind.AccountEmail
            ? await CustomerRecipientsAsync(db, customerId, cancellationToken)
            : notification.ToAddress;
        if (to.Length == 0)
        {
            return RequeueResult.NoRecipient;
        }

        var now = clock.GetUtcNow();
        var updated = await db.Notifications
            .Where(n => n.Id == id && n.Status == NotificationStatus.Failed)
            .ExecuteUpdateAsync(s => s
                .SetProperty(n => n.Status, NotificationStatus.Pending)
                .SetProperty(n => n.NextAttemptAt, now)
                .SetProperty(n => n.ToAddress, to)
                .SetProperty(n => n.LeaseOwner, (string?)null)
                .SetProperty(n => n.LeaseExpiresAt, (DateTimeOffset?)null), cancellationToken);
        if (updated == 0)
        {
            return RequeueResult.NotFailed;
        }
        logger.LogInformation("Notification {Id} re-queued by {User} to {To}", id, requeuedBy, to);
        dispatchSignal.Notify();
        return RequeueResult.Requeued;
    }

    private static async Task<string> CustomerRecipientsAsync(PortalDbContext db, int customerId, CancellationToken cancellationToken)
    {
        var customer = await db.Customers.AsNoTracking().SingleAsync(c => c.Id == customerId, cancellationToken);
        var addresses = await NotificationAudience.AddressesAsync(db, [customer.Id], cancellationToken);
        return NotificationAudience.Recipients(customer, addresses[customer.Id]);
    }
}
