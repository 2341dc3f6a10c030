using System.Globalization;
using BacklogPortal.Data;

namespace BacklogPortal.Integration;

/// <summary>The handler of <c>/api/v1/events</c> (route in <see cref="ApiRoutes"/>): the feed back to the ERP.</summary>
public static class EventEndpoints
{
    [EndpointName("GetEvents"), EndpointSummary("What the ERP must learn: customer decisions, shipments, cancellations")]
    [EndpointDescription("In commit order, after the sequence given in after (0 or nothing: from the start). Pass next as after on the following call; a cursor never skips or repeats an event, also across restarts and concurrent writers. Events are kept; read at your own pace.")]
    internal static async Task<IResult> GetAsync(string? after, string? limit, IDbContextFactory<PortalDbContext> dbFactory, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        long cursor = 0;
        if (!string.IsNullOrEmpty(after) && !long.TryParse(after, NumberStyles.None, CultureInfo.InvariantCulture, out cursor))
        {
            errors.Add("after", "Not a cursor: pass next from the previous answer, or 0 for the start.");
        }
        var take = ApiQuery.Limit(limit, 100, errors);
        if (errors.Any)
        {
            return errors.ToProblem("The query has invalid parameters.");
        }
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var events = await db.IntegrationEvents.AsNoTracking()
            .Where(e => e.Sequence > cursor)
            .OrderBy(e => e.Sequence)
            .Take(take)
            .Select(e => new EventResource(e.Sequence, e.Type, e.OccurredAt, e.CustomerNumber, e.OrderNumber, e.LineNumber, e.Sku,
                e.Quantity, e.Eta, e.ShippedOn, e.Carrier, e.TrackingNumber, e.Reason, e.Source, e.By))
            .ToListAsync(cancellationToken);
        return TypedResults.Ok(new EventsPage(events, events.Count > 0 ? events[^1].Sequence : cursor));
    }
}
