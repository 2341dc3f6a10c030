using BacklogPortal.Notifications.Templates;

namespace BacklogPortal.Notifications;

/// <summary>A waiting outbox entry with the ETA change it points to (null for overdue reminders) and the trace context it was written in.</summary>
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
    string? TraceParent = null);

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
/// old date and the last new date (a date that moved and moved back says nothing), only lines still
/// open, and only what their notification preference asks for.
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
            if (group.Key is not { } lineId || !lines.TryGetValue(lineId, out var line) || line.CustomerId != customerId
                || !LineRules.IsOpenStatus(line.Status))
            {
                silent.AddRange(ids);
                continue;
            }

            var email = NetLine(group, line, links);
            if (email is null || (preference == NotificationPreference.EssentialOnly && !email.ConsentNeeded))
            {
                silent.AddRange(ids);
                continue;
            }
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
