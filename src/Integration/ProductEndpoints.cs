using BacklogPortal.Data;
using BacklogPortal.EtaChanges;
using BacklogPortal.Products;

namespace BacklogPortal.Integration;

/// <summary>The handlers of <c>/api/v1/products</c> (routes in <see cref="ApiRoutes"/>): products with release dates, and ETA changes for every open line of a SKU.</summary>
public static class ProductEndpoints
{
    [EndpointName("PutProduct"), EndpointSummary("Create or update a product")]
    [EndpointDescription("Upsert by SKU. A changed releaseDate moves the ETA of the product's open pre-order lines that still follow the old release date (reason releaseDateMoved: audited and emailed like any ETA change).")]
    internal static Task<IResult> PutAsync(string sku, HttpContext http, ProductCatalog catalog, CancellationToken cancellationToken) =>
        // A failed required field leaves a null or zero here; HandleAsync then answers 400 and the upsert is never made.
        ApiJson.HandleAsync(http, (ProductBody body, FieldErrors errors) => new ProductUpsert(
            errors.Text("sku", sku, Product.MaxSkuLength, required: true)!,
            errors.Text("name", body.Name, Product.MaxNameLength, required: true)!,
            errors.Required("unitPrice", body.UnitPrice).GetValueOrDefault(),
            body.ReleaseDate, ChangeSource.Api, http.ClientName()),
        async upsert =>
        {
            var result = await catalog.UpsertAsync(upsert, cancellationToken);
            var moved = result.Moved is { } m ? new ReleaseDateMoveResource(m.From, m.To, m.Lines, m.Customers) : null;
            var resource = new ProductResource(upsert.Sku, upsert.Name, upsert.UnitPrice, upsert.ReleaseDate, moved);
            return result.Outcome switch
            {
                ProductUpsertOutcome.Created => TypedResults.Created($"/api/v1/products/{Uri.EscapeDataString(upsert.Sku)}", resource),
                ProductUpsertOutcome.Updated or ProductUpsertOutcome.Unchanged => TypedResults.Ok(resource),
                ProductUpsertOutcome.Conflict => ApiProblems.Conflict(result.Message),
                _ => ApiEta.Problem(result.Errors),
            };
        });

    [EndpointName("ChangeSkuEta"), EndpointSummary("Change the ETA of every open line of a SKU")]
    [EndpointDescription("For a supplier shipment that moved: every open line of the SKU whose ETA differs gets the new one, in one transaction, with an audit row and an email to each customer. eta null: not yet known.")]
    internal static Task<IResult> PostEtaChangeAsync(
        string sku, HttpContext http, EtaChangeService etaChanges, IDbContextFactory<PortalDbContext> dbFactory, CancellationToken cancellationToken) =>
        ApiJson.HandleAsync<EtaBody, EtaBody>(http, ApiEta.Validate, async body =>
        {
            await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
            {
                if (!await db.Products.AnyAsync(p => p.Sku == sku, cancellationToken))
                {
                    return ApiProblems.NotFound($"There is no product with SKU {sku}.");
                }
            }
            var result = await etaChanges.ChangeAsync(
                new EtaChangeRequest(EtaChangeTarget.ForSku(sku), body.Eta, body.ReasonCode, body.ReasonText, ChangeSource.Api, http.ClientName()),
                cancellationToken);
            return ApiEta.ToResult(result, () => TypedResults.Ok(new EtaChangeSummary(result.LinesChanged, result.CustomersAffected)));
        });
}

/// <summary>How the API speaks about ETA changes: the body rules and the write path's outcomes.</summary>
internal static class ApiEta
{
    /// <summary>What the write path itself cannot see: control characters, and codes that are not for ERP changes.</summary>
    public static EtaBody Validate(EtaBody body, FieldErrors errors)
    {
        errors.Text("reasonText", body.ReasonText, EtaChangeRules.MaxReasonTextLength);
        if (body.ReasonCode is null)
        {
            errors.Add("reasonCode", "This field is required: supplierDelay, production, transport, releaseDateMoved, stockArrivedEarly or other.");
        }
        else if (body.ReasonCode == EtaReasonCode.InitialEstimate)
        {
            errors.Add("reasonCode", "initialEstimate is recorded when an order line is created with an ETA; use another reason for a change.");
        }
        return body;
    }

    public static IResult ToResult(EtaChangeResult result, Func<IResult> succeeded) => result.Outcome switch
    {
        EtaChangeOutcome.Changed or EtaChangeOutcome.NothingToChange => succeeded(),
        EtaChangeOutcome.Conflict => ApiProblems.Conflict(result.Message),
        _ => Problem(result.Errors),
    };

    public static string FieldName(string field) => field switch
    {
        nameof(EtaChangeRequest.NewEta) => "eta",
        nameof(EtaChangeRequest.Target) => "$",
        _ => char.ToLowerInvariant(field[0]) + field[1..],
    };

    public static IResult Problem(IReadOnlyList<EtaChangeError> errors)
    {
        var fields = new FieldErrors();
        foreach (var error in errors)
        {
            fields.Add(FieldName(error.Field), error.Message);
        }
        return fields.ToProblem();
    }
}
