using System.Globalization;
using BacklogPortal.Data;
using BacklogPortal.Notifications;

namespace BacklogPortal.Orders;

/// <summary>
/// Records a customer's answer to a delay: accept the new date, or cancel the open quantity.
/// One guarded UPDATE per answer (line id, the customer's id, the version the customer saw, and the
/// rule that the answer is allowed now), so a tampered id, a stale page and a line that changed in
/// between all write nothing. A recorded answer also writes its audit row (<see cref="CustomerAnswer"/>:
/// who, when, the ETA it answered, from the portal or an email link) and the confirmation email to the
/// customer, in the same transaction. See docs/decisions/005-customer-responses.md.
/// </summary>
public sealed class CustomerResponses(
    IDbContextFactory<PortalDbContext> dbFactory,
    AnswerConfirmations confirmations,
    TimeProvider clock,
    ILogger<CustomerResponses> logger)
{
    public const string ChangedMeanwhileMessage =
        "This line changed meanwhile, please review it: your answer was not recorded. Check the new details and decide again.";

    public const string NotFoundMessage = "We could not find this line among your orders.";

    public const int MaxRespondedByLength = CustomerAnswer.MaxAnsweredByLength;

    public Task<ResponseResult> AcceptNewDateAsync(int customerId, int lineId, long version, string respondedBy, CancellationToken cancellationToken = default) =>
        RespondAsync(customerId, lineId, version, CustomerResponse.AcceptedNewDate, respondedBy, AnswerSource.Portal, cancellationToken);

    public Task<ResponseResult> CancelOpenQuantityAsync(int customerId, int lineId, long version, string respondedBy, CancellationToken cancellationToken = default) =>
        RespondAsync(customerId, lineId, version, CustomerResponse.CancelledOpenQuantity, respondedBy, AnswerSource.Portal, cancellationToken);

    /// <param name="customerId">From the signed-in user's claim, never from the request.</param>
    /// <param name="version">The line's <see cref="OrderLine.Version"/> as the customer saw it.</param>
    /// <param name="source">Whether the customer came by an accept / cancel link of a delay email.</param>
    public async Task<ResponseResult> RespondAsync(
        int customerId, int lineId, long version, CustomerResponse response, string respondedBy, AnswerSource source = AnswerSource.Portal,
        CancellationToken cancellationToken = default)
    {
        if (response is not (CustomerResponse.AcceptedNewDate or CustomerResponse.CancelledOpenQuantity))
        {
            throw new ArgumentOutOfRangeException(nameof(response), response, "Only accepting the new date or cancelling the open quantity is an answer.");
        }
        if (string.IsNullOrWhiteSpace(respondedBy) || respondedBy.Trim().Length > MaxRespondedByLength)
        {
            throw new ArgumentException($"Who answers is required and at most {MaxRespondedByLength} characters long.", nameof(respondedBy));
        }
        var by = respondedBy.Trim();
        var now = clock.GetUtcNow();

        // A transient SQL Server fault runs the answer again whole on a fresh context (Data/UnitsOfWork). A commit that
        // landed although its answer was lost is recognised by the line's own record of this answer (who and when):
        // run again, the guarded update would find the version moved and refuse the customer's own answer.
        var result = await dbFactory.RunWithRetriesAsync(
            () => RespondOnceAsync(customerId, lineId, version, response, by, source, now, cancellationToken),
            () => CommittedAsync(customerId, lineId, response, by, now),
            cancellationToken);
        if (result.IsRecorded)
        {
            confirmations.WakeDispatcher();
        }
        return result;
    }

    private async Task<ResponseResult> RespondOnceAsync(
        int customerId, int lineId, long version, CustomerResponse response, string by, AnswerSource source, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        // The answer and its entry in the ERP's events feed commit together: a cancellation the ERP
        // never hears of would still be shipped.
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var line = db.OrderLines.Where(l => l.Id == lineId && l.CustomerId == customerId && l.Version == version);
        var openBefore = await line.Select(LineRules.OpenQuantityOf).FirstOrDefaultAsync(cancellationToken);
        // The ETA the answer is about; neither answer changes it.
        var answeredEta = await line.Select(l => l.Eta).FirstOrDefaultAsync(cancellationToken);
        var updated = response == CustomerResponse.AcceptedNewDate
            ? await line.Where(CustomerResponseRules.CanAccept).ExecuteUpdateAsync(s => s
                // ConsentRequired stays true: together with the answer it records that consent was asked for and given.
                .SetProperty(l => l.CustomerResponse, CustomerResponse.AcceptedNewDate)
                .SetProperty(l => l.CustomerRespondedAt, now)
                .SetProperty(l => l.CustomerRespondedBy, by)
                .SetProperty(l => l.Version, l => l.Version + 1), cancellationToken)
            : await line.Where(CustomerResponseRules.CanCancel(today)).ExecuteUpdateAsync(s => s
                .SetProperty(l => l.QuantityCancelled, l => l.QuantityOrdered - l.QuantityShipped)
                // Nothing is left to ship: a line that shipped in part is complete (Shipped), one that shipped nothing is Cancelled.
                .SetProperty(l => l.Status, l => l.QuantityShipped > 0 ? LineStatus.Shipped : LineStatus.Cancelled)
                .SetProperty(l => l.CustomerResponse, CustomerResponse.CancelledOpenQuantity)
                .SetProperty(l => l.CustomerRespondedAt, now)
                .SetProperty(l => l.CustomerRespondedBy, by)
                .SetProperty(l => l.Version, l => l.Version + 1), cancellationToken);

        if (updated == 1)
        {
            await EventFeed.AppendAsync(db, new LineEvent(
                lineId,
                response == CustomerResponse.AcceptedNewDate ? IntegrationEventType.NewDateAccepted : IntegrationEventType.CancelledByCustomer,
                ChangeSource.Customer,
                by,
                now,
                Quantity: response == CustomerResponse.CancelledOpenQuantity ? openBefore : null), cancellationToken);
            var answer = new CustomerAnswer
            {
                CustomerId = customerId,
                OrderLineId = lineId,
                Response = response,
                AnsweredEta = answeredEta,
                AnsweredAt = now,
                AnsweredBy = by,
                Source = source,
            };
            db.CustomerAnswers.Add(answer);
            await db.SaveChangesAsync(cancellationToken);
            await confirmations.AddAsync(db, answer, openBefore, cancellationToken);
            await transaction.CommitAsync(CancellationToken.None);
            return Recorded(customerId, lineId, response, by);
        }
        return await ExplainRefusalAsync(db, customerId, lineId, version, response, today, cancellationToken);
    }

    private async Task<(bool, ResponseResult)> CommittedAsync(int customerId, int lineId, CustomerResponse response, string by, DateTimeOffset now)
    {
        await using var db = await dbFactory.CreateDbContextAsync();
        var committed = await db.OrderLines.AnyAsync(l => l.Id == lineId && l.CustomerId == customerId
            && l.CustomerResponse == response && l.CustomerRespondedAt == now && l.CustomerRespondedBy == by);
        return (committed, committed ? Recorded(customerId, lineId, response, by) : new ResponseResult(ResponseOutcome.ChangedMeanwhile, ChangedMeanwhileMessage));
    }

    private ResponseResult Recorded(int customerId, int lineId, CustomerResponse response, string by)
    {
        logger.LogInformation("Customer {CustomerId} answered line {LineId}: {Response} by {RespondedBy}", customerId, lineId, response, by);
        return new ResponseResult(ResponseOutcome.Recorded, response == CustomerResponse.AcceptedNewDate
            ? "Thank you: you accepted the new date. We ship as soon as the goods are ready."
            : "The open quantity is cancelled: we will not ship it.");
    }

    /// <summary>
    /// Why <paramref name="wanted"/> no longer applies whatever the customer saw (shipped, cancelled,
    /// already given); null when it may still apply. Shared with the page, which explains before asking.
    /// </summary>
    public static string? AlreadySettled(CustomerResponse wanted, LineStatus status, CustomerResponse given, string? answeredOn) =>
        given == CustomerResponse.CancelledOpenQuantity ? $"You already cancelled the open quantity of this line on {answeredOn}."
        : status == LineStatus.Shipped ? "This line has shipped in full; there is nothing left to decide."
        : status == LineStatus.Cancelled ? "This line is cancelled; there is nothing left to decide."
        : wanted == CustomerResponse.AcceptedNewDate && given == CustomerResponse.AcceptedNewDate
            ? $"You already accepted the new date of this line on {answeredOn}."
        : null;

    /// <summary>Why an open line does not take <paramref name="wanted"/>: no decision is asked for, or there is no delay.</summary>
    public static string NothingToDecide(CustomerResponse wanted, bool delayed) =>
        wanted == CustomerResponse.AcceptedNewDate && delayed
            ? "This delay needs no answer from you: it counts as accepted. You may still cancel the open quantity."
            : "This line is on schedule, so there is no delay to answer. To change the order, please contact us.";

    // Only reached when nothing was written: tells the customer why, in the order that helps most.
    private async Task<ResponseResult> ExplainRefusalAsync(
        PortalDbContext db, int customerId, int lineId, long version, CustomerResponse response, DateOnly today, CancellationToken cancellationToken)
    {
        var lines = db.OrderLines.AsNoTracking().Where(l => l.Id == lineId && l.CustomerId == customerId);
        var current = await lines
            .Select(l => new { l.Status, l.Version, l.CustomerResponse, l.CustomerRespondedAt })
            .SingleOrDefaultAsync(cancellationToken);
        if (current is null)
        {
            // Another customer's line reads exactly like a line that does not exist.
            logger.LogWarning("Customer {CustomerId} answered line {LineId}, which is not theirs or does not exist", customerId, lineId);
            return new ResponseResult(ResponseOutcome.NotFound, NotFoundMessage);
        }

        string? answeredOn = null;
        if (current.CustomerRespondedAt is { } answeredAt)
        {
            var zone = await db.Customers.Where(c => c.Id == customerId).Select(c => c.TimeZoneId).SingleAsync(cancellationToken);
            answeredOn = DateFormat.Instant(answeredAt, CustomerLocale.ZoneFor(zone));
        }
        if (AlreadySettled(response, current.Status, current.CustomerResponse, answeredOn) is { } settled)
        {
            return new ResponseResult(ResponseOutcome.Refused, settled);
        }
        if (current.Version != version)
        {
            return new ResponseResult(ResponseOutcome.ChangedMeanwhile, ChangedMeanwhileMessage);
        }
        var delayed = await lines.Where(CustomerResponseRules.CanCancel(today)).AnyAsync(cancellationToken);
        return new ResponseResult(ResponseOutcome.Refused, NothingToDecide(response, delayed));
    }
}

public enum ResponseOutcome
{
    Recorded,

    /// <summary>No such line for this customer (including another customer's line).</summary>
    NotFound,

    /// <summary>The line's version moved since the customer saw it (a new date, a shipment): they must look again.</summary>
    ChangedMeanwhile,

    /// <summary>The answer does not apply to the line as it is (shipped, cancelled, already answered, no delay).</summary>
    Refused,
}

public sealed record ResponseResult(ResponseOutcome Outcome, string Message)
{
    public bool IsRecorded => Outcome == ResponseOutcome.Recorded;
}
