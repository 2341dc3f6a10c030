using BacklogPortal.Data;
using BacklogPortal.Hosting;
using BacklogPortal.Telemetry;

namespace BacklogPortal.Notifications;

/// <summary>
/// A finished email that is not composed from outbox entries: an account email (confirm an address,
/// reset a password, an invitation, a recipient confirmation) or the confirmation of a customer's answer.
/// </summary>
/// <param name="CustomerId">The customer it concerns, when there is one (shows on the staff log).</param>
public sealed record OutgoingEmail(NotificationKind Kind, int? CustomerId, string To, string Subject, string HtmlBody, string TextBody);

/// <summary>
/// The one way to send an email that is not a composed notification: it becomes a <see cref="Notification"/>
/// row, which the dispatcher sends like every other (pooled connections, retries with backoff, the same
/// Message-ID on every attempt), and staff see it on <c>/staff/notifications</c> — without the body when it
/// carries a link token (<see cref="NotificationRules.BodyVisibleToStaff"/>). Decision 010.
/// </summary>
public sealed class EmailQueue(
    IDbContextFactory<PortalDbContext> dbFactory,
    DispatchSignal dispatchSignal,
    IOptions<PortalOptions> portal,
    TimeProvider clock)
{
    private readonly PortalLinks links = new(portal.Value.PublicBaseUrl);

    /// <summary>Stores the email in a transaction of its own and wakes the dispatcher.</summary>
    public async Task<long> EnqueueAsync(OutgoingEmail email, CancellationToken cancellationToken = default)
    {
        var id = await dbFactory.RunWithRetriesAsync(async () =>
        {
            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            var notification = await AddAsync(db, email, clock.GetUtcNow(), cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return notification.Id;
        }, cancellationToken: cancellationToken);
        dispatchSignal.Notify();
        return id;
    }

    /// <summary>
    /// Stores the email inside the caller's transaction (so it exists exactly when the change it tells
    /// of does). The caller calls <see cref="WakeDispatcher"/> after its commit.
    /// </summary>
    public async Task<Notification> AddAsync(PortalDbContext db, OutgoingEmail email, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var notification = NewNotification(email.Kind, email.CustomerId, email.To, email.Subject,
            NotificationMessage.NewBody(email.HtmlBody, email.TextBody), now);
        db.Notifications.Add(notification);
        await db.SaveChangesAsync(cancellationToken);
        notification.MessageId = links.MessageId(notification.Id);
        await db.SaveChangesAsync(cancellationToken);
        return notification;
    }

    public void WakeDispatcher() => dispatchSignal.Notify();

    /// <summary>A pending notification (failed at once when there is nobody to send it to), subject cut to its column.</summary>
    public static Notification NewNotification(NotificationKind kind, int? customerId, string to, string subject, NotificationBody? body, DateTimeOffset now) => new()
    {
        CustomerId = customerId,
        Kind = kind,
        ToAddress = to,
        Subject = subject.Length > Notification.MaxSubjectLength ? subject[..Notification.MaxSubjectLength] : subject,
        Body = body,
        CreatedAt = now,
        NextAttemptAt = now,
        // Kept, not dropped: staff see that this customer could not be told, fix the address and re-queue.
        Status = to.Length == 0 ? NotificationStatus.Failed : NotificationStatus.Pending,
        LastError = to.Length == 0 ? NotificationComposer.NoRecipientError : null,
        // An account email's sends become children of the request that queued it; the composer replaces this with its own span.
        TraceParent = EmailTraces.CurrentTraceParent(),
    };
}
