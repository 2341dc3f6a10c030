using BacklogPortal.Notifications.Templates;

namespace BacklogPortal.Notifications;

/// <summary>
/// A waiting outbox entry with the ETA change it points to (null for overdue reminders), or the shipment or
/// cancellation it points to (<see cref="Quantity"/> and the fields after it), and the trace context it was written in.
/// </summary>
public sealed record OutboxRow(
    long Id,
    int CustomerId,
    NotificationKind Kind,
    int? OrderLineId,
    DateOnly? Eta,
    DateTimeOffset CreatedAt,
    DateOnly? OldEta,
    DateOnly? NewEta,
    EtaReasonCode? ReasonCode,
    string? ReasonText,
    DateTimeOffset? ChangedAt,
    string? TraceParent = null,
    int? Quantity = null,
    DateOnly? ShippedOn = null,
    string? Carrier = null,
    string? TrackingNumber = null,
    string? CancellationReason = null);

/// <summary>The state of an order line now, as far as an email needs it.</summary>
public sealed record LineRow(
    int Id,
    int CustomerId,
    string OrderNumber,
    int LineNumber,
    string Sku,
    string ProductName,
    int QuantityOpen,
    LineStatus Status,
    DateOnly? Eta,
    DateOnly? PromisedDate,
    bool ConsentRequired,
    CustomerResponse CustomerResponse,
    int EtaChangeCount);

/// <summary>What one customer's waiting entries amount to: the lines to tell about, and which entries that covers.</summary>
public sealed record NettedChanges(IReadOnlyList<EmailLine> Lines, IReadOnlyList<long> MentionedEntryIds, IReadOnlyList<long> SilentEntryIds);

/// <summary>
/// Turns a customer's waiting outbox entries into what is worth telling them: per line the first
/// old date and the last new date (a date that moved and moved back says nothing; only for lines still
/// open), every shipment and every cancellation by the seller (also of a line that closed with it),
/// and only what their notification preference asks for: "essential only" keeps the delays that need
/// a decision and the cancellations (the goods will not come), and leaves shipments out.
/// </summary>
public static class OutboxNetting
{
    public static NettedChanges Net(
        int customerId,
        IEnumerable<OutboxRow> entries,
        IReadOnlyDictionary<int, LineRow> lines,
        NotificationPreference preference,
        PortalLinks links)
    {
        var told = new List<EmailLine>();
        var mentioned = new List<long>();
        var silent = new List<long>();

        foreach (var group in entries.GroupBy(e => e.OrderLineId))
        {
            var ids = group.Select(e => e.Id).ToList();
            // Never tell a customer about a line that is not theirs, whatever the outbox says.
            if (group.Key is not { } lineId || !lines.TryGetValue(lineId, out var line) || line.CustomerId != customerId)
            {
                silent.AddRange(ids);
                continue;
            }

            var dated = LineRules.IsOpenStatus(line.Status) ? NetLine(group, line, links) : null;
            if (dated is not null && preference == NotificationPreference.EssentialOnly && !dated.ConsentNeeded)
            {
                dated = null;
            }
            List<EmailShipment> shipments = preference == NotificationPreference.EssentialOnly ? [] : [.. group
                .Where(e => e.Kind == NotificationKind.ShipmentRecorded && e.Quantity is not null && e.ShippedOn is not null)
                .OrderBy(e => e.Id)
                .Select(e => new EmailShipment(e.Quantity!.Value, e.ShippedOn!.Value, e.Carrier, e.TrackingNumber))];
            List<EmailCancellation> cancellations = [.. group
                .Where(e => e.Kind == NotificationKind.QuantityCancelled && e.Quantity is not null)
                .OrderBy(e => e.Id)
                .Select(e => new EmailCancellation(e.Quantity!.Value, string.IsNullOrWhiteSpace(e.CancellationReason) ? null : e.CancellationReason.Trim()))];
            if (dated is null && shipments.Count == 0 && cancellations.Count == 0)
            {
                silent.AddRange(ids);
                continue;
            }
            // A line told only for a shipment or cancellation shows the date the rest is expected on.
            var email = (dated ?? Line(line, links, line.Eta, line.Eta, LineNews.DateUnchanged, null, null, consentNeeded: false))
                with { Shipments = shipments, Cancellations = cancellations };
            told.Add(email);
            mentioned.AddRange(ids);
        }

        var ordered = told.OrderBy(l => l.OrderNumber, StringComparer.Ordinal).ThenBy(l => lines[l.LineId].LineNumber).ToList();
        return new NettedChanges(ordered, mentioned, silent);
    }

    private static EmailLine? NetLine(IEnumerable<OutboxRow> entries, LineRow line, PortalLinks links)
    {
        var changes = entries
            .Where(e => e.Kind == NotificationKind.EtaChanged && e.ChangedAt is not null)
            .OrderBy(e => e.ChangedAt)
            .ThenBy(e => e.Id)
            .ToList();

        if (changes.Count > 0)
        {
            // A newer ETA supersedes any overdue reminder for the same line.
            var (oldEta, newEta) = (changes[0].OldEta, changes[^1].NewEta);
            if (oldEta == newEta)
            {
                return null;
            }
            var news = (oldEta, newEta) switch
            {
                (null, not null) => LineNews.DateNowKnown,
                (not null, null) => LineNews.DateNowUnknown,
                var (o, n) when n < o => LineNews.Earlier,
                _ => LineNews.Later,
            };
            return Line(line, links, oldEta, newEta, news, changes[^1].ReasonCode, changes[^1].ReasonText,
                consentNeeded: LineRules.AwaitsDecisionFor(line.Status, line.ConsentRequired, line.CustomerResponse)
                    && news is LineNews.Later or LineNews.DateNowUnknown);
        }

        // An overdue reminder still holds only while the line keeps the ETA that passed.
        var reminder = entries.Where(e => e.Kind == NotificationKind.OverdueReminder).MaxBy(e => e.Id);
        return reminder is not null && reminder.Eta is not null && reminder.Eta == line.Eta
            ? Line(line, links, reminder.Eta, null, LineNews.Overdue, null, null, consentNeeded: false)
            : null;
    }

    private static EmailLine Line(LineRow line, PortalLinks links, DateOnly? oldEta, DateOnly? newEta, LineNews news,
        EtaReasonCode? reasonCode, string? reasonText, bool consentNeeded) => new()
    {
        LineId = line.Id,
        OrderNumber = line.OrderNumber,
        Sku = line.Sku,
        ProductName = line.ProductName,
        QuantityOpen = line.QuantityOpen,
        PromisedDate = line.PromisedDate,
        OldEta = oldEta,
        NewEta = newEta,
        News = news,
        ReasonCode = reasonCode,
        ReasonText = string.IsNullOrWhiteSpace(reasonText) ? null : reasonText.Trim(),
        ConsentNeeded = consentNeeded,
        AcceptUrl = links.Respond(line.OrderNumber, line.Id, "accept"),
        CancelUrl = links.Respond(line.OrderNumber, line.Id, "cancel"),
        ChangeCount = line.EtaChangeCount,
    };
}
