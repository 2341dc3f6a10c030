using BacklogPortal.Data;

namespace BacklogPortal.Notifications;

/// <summary>
/// Finds open lines whose ETA has passed (in the customer's own time zone) and that have not been
/// reminded about for that ETA, and writes an <see cref="NotificationKind.OverdueReminder"/> outbox
/// entry for each. The entries then travel like ETA changes: coalesced, per preference, one email.
/// A unique index on (line, ETA) keeps a second instance scanning at the same moment from doubling them.
/// </summary>
public sealed class OverdueReminders(
    IDbContextFactory<PortalDbContext> dbFactory,
    OutboxSignal outboxSignal,
    TimeProvider clock,
    ILogger<OverdueReminders> logger)
{
    private const int Batch = 1000;

    /// <summary>Writes reminder entries for every newly overdue line; returns how many.</summary>
    public async Task<int> ScanAsync(CancellationToken cancellationToken = default)
    {
        var now = clock.GetUtcNow();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var zones = await db.Customers.Select(c => c.TimeZoneId).Distinct().ToListAsync(cancellationToken);
        var added = 0;
        foreach (var zone in zones)
        {
            var today = CustomerLocale.TodayIn(CustomerLocale.ZoneFor(zone), now);
            while (true)
            {
                var overdue = await db.OrderLines
                    .Where(LineRules.IsOpen)
                    .Where(LineRules.IsOverdueOn(today))
                    .Where(l => db.Customers.Any(c => c.Id == l.CustomerId && c.TimeZoneId == zone)
                        && !db.NotificationOutbox.Any(e =>
                            e.Kind == NotificationKind.OverdueReminder && e.OrderLineId == l.Id && e.Eta == l.Eta))
                    .OrderBy(l => l.Id)
                    .Select(l => new { l.Id, l.CustomerId, l.Eta })
                    .Take(Batch)
                    .ToListAsync(cancellationToken);
                if (overdue.Count == 0)
                {
                    break;
                }
                db.NotificationOutbox.AddRange(overdue.Select(l => new NotificationOutboxEntry
                {
                    CustomerId = l.CustomerId,
                    Kind = NotificationKind.OverdueReminder,
                    OrderLineId = l.Id,
                    Eta = l.Eta,
                    CreatedAt = now,
                }));
                try
                {
                    await db.SaveChangesAsync(cancellationToken);
                }
                catch (DbUpdateException exception)
                {
                    // Another instance wrote some of the same reminders first; the next scan picks up the rest.
                    logger.LogInformation(exception, "Overdue reminders were written concurrently by another instance");
                    return added;
                }
                finally
                {
                    db.ChangeTracker.Clear();
                }
                added += overdue.Count;
                if (overdue.Count < Batch)
                {
                    break;
                }
            }
        }
        if (added > 0)
        {
            logger.LogInformation("{Count} open line(s) became overdue; reminders queued", added);
            outboxSignal.Notify();
        }
        return added;
    }
}
