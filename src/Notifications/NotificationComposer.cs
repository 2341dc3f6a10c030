using BacklogPortal.Data;
using BacklogPortal.Hosting;
using BacklogPortal.Notifications.Templates;
using BacklogPortal.Telemetry;

namespace BacklogPortal.Notifications;

/// <summary>The outcome of one composing pass.</summary>
/// <param name="Notifications">Emails created.</param>
/// <param name="MoreDue">Work is left that is due already (a conflict with another instance); run again at once.</param>
/// <param name="NextDueAt">When the next waiting customer becomes due; null when nobody waits.</param>
public sealed record ComposeResult(int Notifications, bool MoreDue, DateTimeOffset? NextDueAt);

/// <summary>
/// Turns waiting outbox entries into emails: for each customer whose oldest waiting entry is older
/// than the coalescing window (or, for digest customers, older than their latest digest moment),
/// all their waiting entries become one rendered <see cref="Notification"/>, and the entries are
/// marked processed in the same transaction with a conditional update, so two instances never
/// compose the same entries twice. Customers are composed in batches, one transaction each.
/// </summary>
public sealed class NotificationComposer(
    IDbContextFactory<PortalDbContext> dbFactory,
    NotificationEmailRenderer renderer,
    IOptions<NotificationsOptions> options,
    IOptions<PortalOptions> portal,
    DispatchSignal dispatchSignal,
    TimeProvider clock,
    ILogger<NotificationComposer> logger)
{
    private readonly PortalLinks links = new(portal.Value.PublicBaseUrl);

    public async Task<ComposeResult> ComposeDueAsync(CancellationToken cancellationToken = default)
    {
        var settings = options.Value;
        var now = clock.GetUtcNow();
        List<WaitingCustomer> waiting;
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            waiting = await db.NotificationOutbox
                .Where(e => e.ProcessedAt == null)
                .GroupBy(e => e.CustomerId)
                .Select(g => new { CustomerId = g.Key, Oldest = g.Min(e => e.CreatedAt) })
                .Join(db.Customers, w => w.CustomerId, c => c.Id,
                    (w, c) => new WaitingCustomer(w.CustomerId, w.Oldest, c.NotificationPreference, c.TimeZoneId, c.DigestHour))
                .ToListAsync(cancellationToken);
        }

        var due = new List<int>();
        DateTimeOffset? nextDueAt = null;
        foreach (var customer in waiting)
        {
            var dueAt = DueAt(customer, now, settings);
            if (dueAt <= now)
            {
                due.Add(customer.CustomerId);
            }
            else if (nextDueAt is null || dueAt < nextDueAt)
            {
                nextDueAt = dueAt;
            }
        }

        var created = 0;
        var conflict = false;
        foreach (var batch in due.Chunk(settings.ComposeBatchSize))
        {
            cancellationToken.ThrowIfCancellationRequested();
            // A transient SQL Server fault composes the batch again from its first read (Data/UnitsOfWork).
            var result = await dbFactory.RunWithRetriesAsync(() => ComposeBatchAsync(batch, cancellationToken), cancellationToken: cancellationToken);
            if (result is null)
            {
                conflict = true;
                continue;
            }
            created += result.Value;
        }
        return new ComposeResult(created, conflict, nextDueAt);
    }

    private static DateTimeOffset DueAt(WaitingCustomer customer, DateTimeOffset now, NotificationsOptions settings)
    {
        if (customer.Preference != NotificationPreference.DailyDigest)
        {
            return customer.Oldest + settings.CoalesceWindow;
        }
        var zone = CustomerLocale.ZoneFor(customer.TimeZoneId);
        var timeOfDay = NotificationAudience.DigestTimeOfDay(customer.DigestHour, settings.DigestTimeOfDay);
        return customer.Oldest <= DigestSchedule.Previous(now, zone, timeOfDay)
            ? now
            : DigestSchedule.Next(now, zone, timeOfDay);
    }

    /// <summary>Composes one batch of due customers in one transaction; null when another instance got there first.</summary>
    private async Task<int?> ComposeBatchAsync(int[] customerIds, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var now = clock.GetUtcNow();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);

        var customers = await db.Customers.AsNoTracking()
            .Where(c => customerIds.Contains(c.Id))
            .ToDictionaryAsync(c => c.Id, cancellationToken);
        var addresses = await NotificationAudience.AddressesAsync(db, customerIds, cancellationToken);
        var names = await RecipientNamesAsync(db, customerIds, cancellationToken);

        var entries = await (
                from e in db.NotificationOutbox
                where e.ProcessedAt == null && customerIds.Contains(e.CustomerId) && e.CreatedAt <= now
                join c in db.EtaChanges on e.EtaChangeId equals (long?)c.Id into changes
                from c in changes.DefaultIfEmpty()
                join s in db.LineShipments on e.LineShipmentId equals (long?)s.Id into shipments
                from s in shipments.DefaultIfEmpty()
                join x in db.LineCancellations on e.LineCancellationId equals (long?)x.Id into cancellations
                from x in cancellations.DefaultIfEmpty()
                select new OutboxRow(e.Id, e.CustomerId, e.Kind, e.OrderLineId, e.Eta, e.CreatedAt,
                    c == null ? null : c.OldEta,
                    c == null ? null : c.NewEta,
                    c == null ? null : (EtaReasonCode?)c.ReasonCode,
                    c == null ? null : c.ReasonText,
                    c == null ? null : (DateTimeOffset?)c.ChangedAt,
                    e.TraceParent,
                    s != null ? (int?)s.Quantity : x != null ? (int?)x.Quantity : null,
                    s == null ? null : (DateOnly?)s.ShippedOn,
                    s == null ? null : s.Carrier,
                    s == null ? null : s.TrackingNumber,
                    x == null ? null : x.Reason))
            .ToListAsync(cancellationToken);
        if (entries.Count == 0)
        {
            return 0;
        }
        var lines = await LoadLinesAsync(db, entries, cancellationToken);

        var plans = new List<(List<long> EntryIds, Notification Notification)>();
        var silent = new List<long>();
        // Open until this transaction ends (telemetry only: nothing is started when no listener samples the portal's source).
        using var spans = new ComposeSpans();
        foreach (var group in entries.GroupBy(e => e.CustomerId))
        {
            var customer = customers[group.Key];
            try
            {
                var netted = OutboxNetting.Net(customer.Id, group, lines, customer.NotificationPreference, links);
                if (netted.Lines.Count > 0)
                {
                    var span = ComposeSpans.Start(customer.Id, TraceParentsOf(group, netted.MentionedEntryIds));
                    var notification = await CreateNotificationAsync(customer, addresses[customer.Id], names, netted.Lines, now, settings);
                    spans.Carry(span, notification);
                    plans.Add(([.. netted.MentionedEntryIds], notification));
                }
                silent.AddRange(netted.SilentEntryIds);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                // One customer whose email cannot be built must not hold up the batch on every poll: their
                // entries become one failed email that tells staff why; the others go out.
                logger.LogError(exception, "The email for customer {CustomerId} could not be composed; it is recorded as failed", customer.Id);
                var failed = NotComposed(customer, addresses[customer.Id], exception, now);
                spans.Carry(ComposeSpans.Start(customer.Id, group.Select(e => e.TraceParent)), failed);
                plans.Add(([.. group.Select(e => e.Id)], failed));
            }
        }

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        db.Notifications.AddRange(plans.Select(p => p.Notification));
        await db.SaveChangesAsync(cancellationToken);
        foreach (var (_, notification) in plans)
        {
            notification.MessageId = links.MessageId(notification.Id);
        }
        await db.SaveChangesAsync(cancellationToken);

        // The conditional updates are the claim on the entries: a count short of the ids read means
        // another instance composed some of them in the meantime, and this whole batch is undone.
        foreach (var (entryIds, notification) in plans)
        {
            if (await MarkProcessedAsync(db, [notification.CustomerId!.Value], entryIds, notification.Id, now, cancellationToken) != entryIds.Count)
            {
                await transaction.RollbackAsync(cancellationToken);
                logger.LogInformation("Outbox entries of customer {CustomerId} were composed by another instance; batch retried", notification.CustomerId);
                return null;
            }
        }
        if (await MarkProcessedAsync(db, customerIds, silent, null, now, cancellationToken) != silent.Count)
        {
            await transaction.RollbackAsync(cancellationToken);
            logger.LogInformation("Outbox entries were composed by another instance; batch retried");
            return null;
        }
        await transaction.CommitAsync(cancellationToken);
        spans.Committed();

        if (plans.Any(p => p.Notification.Status == NotificationStatus.Pending))
        {
            dispatchSignal.Notify();
        }
        logger.LogInformation(
            "Composed {Notifications} notification(s) for {Customers} customer(s) from {Entries} outbox entries ({Silent} with nothing to tell)",
            plans.Count, customerIds.Length, entries.Count, silent.Count);
        return plans.Count;
    }

    /// <summary>The trace contexts of the entries an email covers, read only when a span is started.</summary>
    private static IEnumerable<string?> TraceParentsOf(IEnumerable<OutboxRow> entries, IReadOnlyList<long> covered)
    {
        var ids = covered.ToHashSet();
        foreach (var entry in entries)
        {
            if (ids.Contains(entry.Id))
            {
                yield return entry.TraceParent;
            }
        }
    }

    private static async Task<Dictionary<int, LineRow>> LoadLinesAsync(PortalDbContext db, List<OutboxRow> entries, CancellationToken cancellationToken)
    {
        var lines = new Dictionary<int, LineRow>();
        var lineIds = entries.Where(e => e.OrderLineId is not null).Select(e => e.OrderLineId!.Value).Distinct();
        foreach (var chunk in lineIds.Chunk(DatabaseLimits.MaxIdsPerStatement))
        {
            var rows = await db.OrderLines
                .Where(l => chunk.Contains(l.Id))
                .Select(l => new LineRow(l.Id, l.CustomerId, l.Order!.OrderNumber, l.LineNumber, l.Product!.Sku, l.Product.Name,
                    l.QuantityOrdered - l.QuantityShipped - l.QuantityCancelled, l.Status, l.Eta, l.PromisedDate, l.ConsentRequired,
                    l.CustomerResponse, l.EtaChangeCount))
                .ToListAsync(cancellationToken);
            foreach (var row in rows)
            {
                lines[row.Id] = row;
            }
        }
        return lines;
    }

    private async Task<Notification> CreateNotificationAsync(Customer customer, IEnumerable<string> addresses, IReadOnlyDictionary<string, string> names,
        IReadOnlyList<EmailLine> lines, DateTimeOffset now, NotificationsOptions settings)
    {
        var to = NotificationAudience.Recipients(customer, addresses);
        var culture = CustomerLocale.CultureFor(customer.Culture);
        var zone = CustomerLocale.ZoneFor(customer.TimeZoneId);
        var digest = customer.NotificationPreference == NotificationPreference.DailyDigest;
        var listed = lines;
        if (lines.Count > settings.MaxLinesPerEmail)
        {
            // Lines that need the customer's decision are never the ones left out.
            var chosen = lines.OrderByDescending(l => l.ConsentNeeded).Take(settings.MaxLinesPerEmail).ToHashSet();
            listed = [.. lines.Where(chosen.Contains)];
        }
        var listedOrders = listed.Select(l => l.OrderNumber).ToHashSet(StringComparer.Ordinal);
        var content = new EmailContent
        {
            Kind = digest ? NotificationKind.DailyDigest
                : !lines.Any(l => l.HasDateNews) ? (lines.Any(l => l.Cancellations.Count > 0) ? NotificationKind.QuantityCancelled : NotificationKind.ShipmentRecorded)
                : lines.Where(l => l.HasDateNews).All(l => l.News == LineNews.Overdue) ? NotificationKind.OverdueReminder
                : NotificationKind.EtaChanged,
            CustomerName = customer.Name,
            RecipientName = RecipientName(to, names),
            Preference = customer.NotificationPreference,
            Culture = culture,
            TimeZone = zone,
            ComposedAt = now,
            Orders = [.. listed.GroupBy(l => l.OrderNumber).Select(g => new EmailOrder(g.Key, links.Order(g.Key), [.. g]))],
            UnlistedLines = lines.Count - listed.Count,
            UnlistedOrders = [.. lines.Select(l => l.OrderNumber).Distinct(StringComparer.Ordinal).Where(o => !listedOrders.Contains(o))],
            PortalUrl = links.Backlog,
            SettingsUrl = links.Settings,
            NextDigestAt = digest ? DigestSchedule.Next(now, zone, NotificationAudience.DigestTimeOfDay(customer.DigestHour, settings.DigestTimeOfDay)) : null,
        };
        var email = await renderer.RenderAsync(content, links.Host);
        return EmailQueue.NewNotification(content.Kind, customer.Id, to, email.Subject,
            NotificationMessage.NewBody(email.HtmlBody, email.TextBody, email.CalendarIcs), now);
    }

    /// <summary>The failed email that stands for a customer's changes when their email could not be built.</summary>
    private static Notification NotComposed(Customer customer, IEnumerable<string> addresses, Exception exception, DateTimeOffset now)
    {
        var error = $"{NotComposedError}: {exception.GetType().Name}: {exception.Message}";
        var notification = EmailQueue.NewNotification(NotificationKind.EtaChanged, customer.Id,
            NotificationAudience.Recipients(customer, addresses), $"Email for {customer.Name} could not be composed", body: null, now);
        notification.Status = NotificationStatus.Failed;
        notification.LastError = error.Length <= Notification.MaxLastErrorLength ? error : error[..Notification.MaxLastErrorLength];
        return notification;
    }

    public const string NotComposedError = "The email could not be composed";

    public const string NoRecipientError = "The customer has no recipient: no ERP notification email, no user receiving notices at a confirmed address, no confirmed further address.";

    /// <summary>
    /// The name to greet: the one person the email goes to, when it goes to one address only and a user
    /// with that address gave a name. A shared mailbox or several recipients get a neutral greeting; the
    /// company is never greeted as a person.
    /// </summary>
    public static string? RecipientName(string to, IReadOnlyDictionary<string, string> names) =>
        to.Length > 0 && !to.Contains(',', StringComparison.Ordinal) && names.TryGetValue(to.Trim(), out var name) ? name : null;

    /// <summary>The display names of the customers' users, by address (case-insensitive).</summary>
    public static async Task<IReadOnlyDictionary<string, string>> RecipientNamesAsync(PortalDbContext db, IReadOnlyCollection<int> customerIds, CancellationToken cancellationToken)
    {
        var users = await db.Users
            .Where(u => u.CustomerId != null && customerIds.Contains(u.CustomerId.Value) && u.Email != null && u.DisplayName != null && u.DisplayName != "")
            .Select(u => new { Email = u.Email!, DisplayName = u.DisplayName! })
            .ToListAsync(cancellationToken);
        return users.GroupBy(u => u.Email, StringComparer.OrdinalIgnoreCase)
            .ToDictionary(g => g.Key, g => g.First().DisplayName.Trim(), StringComparer.OrdinalIgnoreCase);
    }

    private static async Task<int> MarkProcessedAsync(PortalDbContext db, int[] customerIds, IReadOnlyList<long> entryIds,
        long? notificationId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var marked = 0;
        foreach (var chunk in entryIds.Chunk(DatabaseLimits.MaxIdsPerStatement))
        {
            // The customer narrows the scan to their own waiting entries (index on ProcessedAt, CustomerId);
            // without it the database walks every waiting entry of every customer for each update.
            marked += await db.NotificationOutbox
                .Where(e => customerIds.Contains(e.CustomerId) && e.ProcessedAt == null && chunk.Contains(e.Id))
                .ExecuteUpdateAsync(s => s
                    .SetProperty(e => e.ProcessedAt, now)
                    .SetProperty(e => e.NotificationId, notificationId), cancellationToken);
        }
        return marked;
    }

    private sealed record WaitingCustomer(int CustomerId, DateTimeOffset Oldest, NotificationPreference Preference, string TimeZoneId, int? DigestHour);
}
