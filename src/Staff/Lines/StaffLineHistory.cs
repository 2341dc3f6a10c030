using System.Security.Claims;
using BacklogPortal.Components.Account;
using BacklogPortal.Data;
using BacklogPortal.EtaChanges;
using BacklogPortal.Staff.Access;
using Microsoft.AspNetCore.Authorization;

namespace BacklogPortal.Staff.Lines;

/// <summary>
/// Everything that happened to one order line, newest first: ETA changes (who, source, old → new,
/// reason), the customer's answer, and every email about the line.
/// </summary>
public sealed class StaffLineHistory(
    IDbContextFactory<PortalDbContext> dbFactory, StaffBacklogQuery lines, IAuthorizationService authorization, TimeProvider clock)
{
    public async Task<LineHistory?> GetAsync(ClaimsPrincipal user, int lineId, CancellationToken cancellationToken = default)
    {
        await StaffAccess.EnsureAsync(authorization, user, Policies.Staff);
        if ((await lines.GetByIdsAsync([lineId], cancellationToken)) is not [var row])
        {
            return null;
        }
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var orderDate = await db.OrderLines.Where(l => l.Id == lineId).Select(l => l.Order!.OrderDate).SingleAsync(cancellationToken);
        var line = new LineHistory(row, orderDate, DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime), []);

        var events = new List<LineHistoryEvent>();
        var changes = await db.EtaChanges.AsNoTracking()
            .Where(c => c.OrderLineId == lineId)
            .Select(c => new { c.ChangedAt, c.OldEta, c.NewEta, c.ReasonCode, c.ReasonText, c.Source, c.ChangedBy })
            .ToListAsync(cancellationToken);
        events.AddRange(changes.Select(c => new LineHistoryEvent(
            c.ChangedAt,
            LineHistoryEventKind.EtaChanged,
            $"ETA {DateFormat.Eta(c.OldEta)} → {DateFormat.Eta(c.NewEta)}",
            string.IsNullOrEmpty(c.ReasonText) ? EtaReasonLabels.Label(c.ReasonCode) : $"{EtaReasonLabels.Label(c.ReasonCode)}: {c.ReasonText}",
            $"{c.ChangedBy} ({SourceLabel(c.Source)})",
            null)));

        // Every answer from its audit row (which ETA it answered, from where); an answer recorded before
        // the audit rows existed is read from the line itself.
        var answers = await db.CustomerAnswers.AsNoTracking()
            .Where(a => a.OrderLineId == lineId)
            .Select(a => new { a.Response, a.AnsweredAt, a.AnsweredBy, a.AnsweredEta, a.Source })
            .ToListAsync(cancellationToken);
        events.AddRange(answers.Select(a => new LineHistoryEvent(
            a.AnsweredAt,
            LineHistoryEventKind.CustomerAnswer,
            AnswerTitle(a.Response, a.AnsweredEta),
            $"Answered the ETA {DateFormat.Eta(a.AnsweredEta)}, {(a.Source == AnswerSource.EmailLink ? "from a link in a delay email" : "in the portal")}",
            a.AnsweredBy,
            null)));
        var answer = answers.Count > 0 ? null : await db.OrderLines.AsNoTracking()
            .Where(l => l.Id == lineId && l.CustomerRespondedAt != null)
            .Select(l => new { l.CustomerResponse, l.CustomerRespondedAt, l.CustomerRespondedBy })
            .SingleOrDefaultAsync(cancellationToken);
        if (answer is { CustomerRespondedAt: { } answeredAt } && answer.CustomerResponse != CustomerResponse.None)
        {
            events.Add(new LineHistoryEvent(
                answeredAt,
                LineHistoryEventKind.CustomerAnswer,
                AnswerTitle(answer.CustomerResponse, row.State.Eta),
                null,
                answer.CustomerRespondedBy,
                null));
        }

        events.AddRange(await FulfilmentEventsAsync(db.LineShipments, lineId, LineHistoryEventKind.Shipment, s => (
            $"{s.Quantity} shipped on {DateFormat.Short(s.ShippedOn)}",
            s.Carrier is null && s.TrackingNumber is null ? null : $"{s.Carrier ?? "Carrier not given"}{(s.TrackingNumber is null ? "" : $", tracking {s.TrackingNumber}")}"),
            cancellationToken));
        events.AddRange(await FulfilmentEventsAsync(db.LineCancellations, lineId, LineHistoryEventKind.Cancellation, c => ($"{c.Quantity} cancelled", c.Reason), cancellationToken));

        // The emails about the line: those its outbox entries went into (changes, reminders, shipments, cancellations),
        // and the confirmations of its answers, which are linked from the answer's audit row.
        var fromOutbox = db.NotificationOutbox.Where(o => o.OrderLineId == lineId && o.NotificationId != null).Select(o => o.NotificationId);
        var confirmations = db.CustomerAnswers.Where(a => a.OrderLineId == lineId && a.ConfirmationNotificationId != null).Select(a => a.ConfirmationNotificationId);
        var emails = await db.Notifications.AsNoTracking()
            .Where(n => fromOutbox.Contains(n.Id) || confirmations.Contains(n.Id))
            .Select(n => new { n.Id, n.Subject, n.ToAddress, n.Status, n.CreatedAt, n.SentAt })
            .ToListAsync(cancellationToken);
        events.AddRange(emails.Select(n => new LineHistoryEvent(
            n.SentAt ?? n.CreatedAt,
            LineHistoryEventKind.Email,
            $"Email {EmailStatus(n.Status)}: {n.Subject}",
            null,
            n.ToAddress,
            n.Id)));

        line.Events.AddRange(events.OrderByDescending(e => e.At).ThenBy(e => e.Kind));
        return line;
    }

    /// <summary>The line's shipments or cancellations (the same audit columns, each kind its own text), oldest first.</summary>
    private static async Task<IEnumerable<LineHistoryEvent>> FulfilmentEventsAsync<TRecord>(
        IQueryable<TRecord> records, int lineId, LineHistoryEventKind kind, Func<TRecord, (string Title, string? Detail)> describe, CancellationToken cancellationToken)
        where TRecord : LineFulfilmentRecord =>
        (await records.AsNoTracking().Where(r => r.OrderLineId == lineId).OrderBy(r => r.Id).ToListAsync(cancellationToken))
            .Select(r =>
            {
                var (title, detail) = describe(r);
                return new LineHistoryEvent(r.RecordedAt, kind, title, detail, $"{r.RecordedBy} ({SourceLabel(r.Source)})", null);
            });

    private static string AnswerTitle(CustomerResponse response, DateOnly? eta) =>
        response == CustomerResponse.CancelledOpenQuantity ? "Customer cancelled the open quantity"
        : eta is null ? "Customer agreed to wait for the new date"
        : "Customer accepted the new date";

    public static string SourceLabel(ChangeSource source) => source switch
    {
        ChangeSource.Staff => "staff",
        ChangeSource.Import => "import",
        ChangeSource.Api => "ERP API",
        _ => "system",
    };

    private static string EmailStatus(NotificationStatus status) => status switch
    {
        NotificationStatus.Sent => "sent",
        NotificationStatus.Failed => "failed",
        NotificationStatus.Retrying => "retrying",
        _ => "pending",
    };
}

/// <param name="Line">The line as the grid shows it, read afresh (its version is the one actions must carry).</param>
public sealed record LineHistory(StaffLine Line, DateOnly OrderDate, DateOnly Today, List<LineHistoryEvent> Events);

public enum LineHistoryEventKind
{
    EtaChanged,
    CustomerAnswer,
    Shipment,
    Cancellation,
    Email,
}

/// <param name="NotificationId">For emails: the record on <c>/staff/notifications</c>.</param>
public sealed record LineHistoryEvent(DateTimeOffset At, LineHistoryEventKind Kind, string Title, string? Detail, string? Who, long? NotificationId);
