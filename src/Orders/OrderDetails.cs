using BacklogPortal.Data;

namespace BacklogPortal.Orders;

/// <summary>
/// Reads one order of one customer with every line and its ETA history. The order is looked up by
/// number and customer id together: another customer's order number finds nothing, exactly like a
/// number that does not exist.
/// </summary>
public sealed class OrderDetails(IDbContextFactory<PortalDbContext> dbFactory, TimeProvider clock)
{
    /// <param name="customerId">From the signed-in user's claim, never from the request.</param>
    public async Task<OrderDetail?> GetAsync(int customerId, string orderNumber, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrWhiteSpace(orderNumber))
        {
            return null;
        }
        var number = orderNumber.Trim();
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);

        var order = await db.Orders.AsNoTracking()
            .Where(o => o.OrderNumber == number && o.CustomerId == customerId)
            .Select(o => new { o.Id, o.OrderNumber, o.OrderDate, CustomerName = o.Customer!.Name, o.Customer.TimeZoneId })
            .SingleOrDefaultAsync(cancellationToken);
        if (order is null)
        {
            return null;
        }

        // The customer id stays in every filter below, although the order already belongs to this customer.
        var lines = db.OrderLines.AsNoTracking().Where(l => l.OrderId == order.Id && l.CustomerId == customerId);
        var rows = await lines
            .OrderBy(l => l.LineNumber)
            .Select(LineState.Of.With((l, state) => new
            {
                l.Id,
                l.Version,
                l.LineNumber,
                l.Product!.Sku,
                ProductName = l.Product.Name,
                State = state,
                l.CustomerRespondedAt,
                l.CustomerRespondedBy,
            }))
            .ToListAsync(cancellationToken);
        // The same rules that guard the UPDATE decide which buttons the page offers.
        var acceptable = (await lines.Where(CustomerResponseRules.CanAccept).Select(l => l.Id).ToListAsync(cancellationToken)).ToHashSet();
        var cancellable = (await lines.Where(CustomerResponseRules.CanCancel(today)).Select(l => l.Id).ToListAsync(cancellationToken)).ToHashSet();
        var history = (await db.EtaChanges.AsNoTracking()
                .Where(c => c.CustomerId == customerId && c.OrderLine!.OrderId == order.Id)
                .OrderBy(c => c.ChangedAt).ThenBy(c => c.Id)
                .Select(c => new { c.OrderLineId, Entry = new EtaHistoryEntry(c.ChangedAt, c.OldEta, c.NewEta, c.ReasonCode, c.ReasonText) })
                .ToListAsync(cancellationToken))
            .ToLookup(c => c.OrderLineId, c => c.Entry);

        var detailLines = rows.Select(l => new OrderDetailLine(
                l.Id, l.Version, l.LineNumber, l.Sku, l.ProductName, l.State,
                l.CustomerRespondedAt, l.CustomerRespondedBy,
                history[l.Id].ToList(),
                CanAccept: acceptable.Contains(l.Id),
                CanCancel: cancellable.Contains(l.Id)))
            .ToList();
        return new OrderDetail(order.OrderNumber, order.OrderDate, order.CustomerName, order.TimeZoneId, detailLines, today);
    }
}

public sealed record OrderDetail(
    string OrderNumber,
    DateOnly OrderDate,
    string CustomerName,
    string TimeZoneId,
    IReadOnlyList<OrderDetailLine> Lines,
    DateOnly Today)
{
    public int AwaitingDecisionCount => Lines.Count(l => l.AwaitsDecision);

    /// <summary>The customer's zone (as in their emails), for the instants of changes and answers.</summary>
    public TimeZoneInfo Zone { get; } = CustomerLocale.ZoneFor(TimeZoneId);
}

/// <summary>One line of the customer's order: where it stands, their answer, its ETA history and which answers they may give now.</summary>
public sealed record OrderDetailLine(
    int LineId,
    long Version,
    int LineNumber,
    string Sku,
    string ProductName,
    LineState State,
    DateTimeOffset? CustomerRespondedAt,
    string? CustomerRespondedBy,
    IReadOnlyList<EtaHistoryEntry> History,
    bool CanAccept,
    bool CanCancel)
{
    /// <summary>
    /// <see cref="LineState.AwaitsDecision"/> with something left to accept: the database's own rule
    /// (<see cref="CustomerResponseRules.CanAccept"/>), the one that guards the answer's UPDATE.
    /// </summary>
    public bool AwaitsDecision => CanAccept;

    /// <summary>Why the customer cannot give <paramref name="wanted"/> now, in the service's words; null when they can.</summary>
    public string? RefusalFor(CustomerResponse wanted, TimeZoneInfo zone) =>
        (wanted == CustomerResponse.AcceptedNewDate ? CanAccept : CanCancel) ? null
        : CustomerResponses.AlreadySettled(wanted, State.Status, State.CustomerResponse, CustomerRespondedAt is { } at ? DateFormat.Instant(at, zone) : null)
            ?? CustomerResponses.NothingToDecide(wanted, CanCancel);
}

/// <summary>One ETA change as the customer sees it; who made it stays internal.</summary>
public sealed record EtaHistoryEntry(DateTimeOffset ChangedAt, DateOnly? OldEta, DateOnly? NewEta, EtaReasonCode ReasonCode, string? ReasonText);
