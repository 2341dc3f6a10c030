using BacklogPortal.Data;
using BacklogPortal.EtaChanges;
using BacklogPortal.Notifications;

namespace BacklogPortal.Products;

/// <param name="ReleaseDate">Null: the product is released (or not a pre-order product).</param>
/// <param name="ChangedBy">A staff user's email or an API client's name: the audit's "who" of moved ETAs.</param>
public sealed record ProductUpsert(string Sku, string Name, decimal UnitPrice, DateOnly? ReleaseDate, ChangeSource Source, string ChangedBy);

public enum ProductUpsertOutcome
{
    Created,
    Updated,

    /// <summary>The product already had exactly these values.</summary>
    Unchanged,

    /// <summary>Moving the pre-orders' ETAs met a concurrent change; nothing was written.</summary>
    Conflict,

    Invalid,
}

/// <param name="Lines">Pre-order lines whose ETA followed the old release date and moved with it.</param>
public sealed record ReleaseDateMove(DateOnly From, DateOnly To, int Lines, int Customers);

public sealed record ProductUpsertResult(
    ProductUpsertOutcome Outcome,
    int? ProductId,
    ReleaseDateMove? Moved,
    string Message,
    IReadOnlyList<EtaChangeError> Errors)
{
    public bool Succeeded => Outcome is ProductUpsertOutcome.Created or ProductUpsertOutcome.Updated or ProductUpsertOutcome.Unchanged;
}

/// <summary>
/// Products and their release dates (staff product page and the ERP API). A release date that moves
/// takes the ETA of the product's open pre-order lines that still follow the old date with it,
/// through <see cref="EtaChangeService"/> (reason <see cref="EtaReasonCode.ReleaseDateMoved"/>: audit,
/// outbox, consent), in the same transaction as the product itself. Lines whose ETA was set to
/// something else stay as they are.
/// </summary>
public sealed class ProductCatalog(
    IDbContextFactory<PortalDbContext> dbFactory,
    EtaChangeService etaChanges,
    OutboxSignal outboxSignal,
    ILogger<ProductCatalog> logger)
{
    public const decimal MaxUnitPrice = 1_000_000_000m;

    /// <summary>What moving the release date to <paramref name="newReleaseDate"/> would move now; nothing is written.</summary>
    public async Task<EtaChangePreview> PreviewReleaseDateMoveAsync(string sku, DateOnly? newReleaseDate, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var product = await db.Products.AsNoTracking().Where(p => p.Sku == sku.Trim())
            .Select(p => new { p.Id, p.ReleaseDate }).SingleOrDefaultAsync(cancellationToken);
        return product is { ReleaseDate: { } old } && newReleaseDate is { } moved && moved != old
            ? await etaChanges.PreviewAsync(EtaChangeTarget.FollowingRelease(product.Id, old), moved, cancellationToken)
            : new EtaChangePreview(0, 0);
    }

    public static IReadOnlyList<EtaChangeError> Validate(ProductUpsert upsert)
    {
        var errors = new List<EtaChangeError>();
        if (string.IsNullOrWhiteSpace(upsert.Sku) || upsert.Sku.Trim().Length > Product.MaxSkuLength)
        {
            errors.Add(new(nameof(upsert.Sku), $"The SKU is required and at most {Product.MaxSkuLength} characters long."));
        }
        if (string.IsNullOrWhiteSpace(upsert.Name))
        {
            errors.Add(new(nameof(upsert.Name), "The product name is required."));
        }
        else if (upsert.Name.Trim().Length > Product.MaxNameLength)
        {
            errors.Add(new(nameof(upsert.Name), $"The product name has {upsert.Name.Trim().Length} characters; at most {Product.MaxNameLength} are allowed."));
        }
        if (upsert.UnitPrice < 0 || upsert.UnitPrice > MaxUnitPrice)
        {
            errors.Add(new(nameof(upsert.UnitPrice), $"The unit price must be between 0 and {MaxUnitPrice:N0}."));
        }
        if (upsert.ReleaseDate is { } release && release < EtaChangeRules.EarliestEta)
        {
            errors.Add(new(nameof(upsert.ReleaseDate), $"The release date {release:yyyy-MM-dd} is before {EtaChangeRules.EarliestEta:yyyy}; check the year."));
        }
        return errors;
    }

    public async Task<ProductUpsertResult> UpsertAsync(ProductUpsert upsert, CancellationToken cancellationToken = default)
    {
        var errors = Validate(upsert);
        if (errors.Count > 0)
        {
            return new(ProductUpsertOutcome.Invalid, null, null, string.Join(" ", errors.Select(e => e.Message)), errors);
        }
        // A transient SQL Server fault runs the upsert again whole on a fresh context (Data/UnitsOfWork). No trace is
        // needed for a commit whose answer was lost: the upsert is by SKU, so the second run finds the product as the
        // first left it (pre-order ETAs already moved) and writes nothing, answering Unchanged.
        return await dbFactory.RunWithRetriesAsync(() => UpsertOnceAsync(upsert, cancellationToken), cancellationToken: cancellationToken);
    }

    private async Task<ProductUpsertResult> UpsertOnceAsync(ProductUpsert upsert, CancellationToken cancellationToken)
    {
        var sku = upsert.Sku.Trim();
        var name = upsert.Name.Trim();

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var product = await db.Products.SingleOrDefaultAsync(p => p.Sku == sku, cancellationToken);
        if (product is null)
        {
            product = new Product { Sku = sku, Name = name, UnitPrice = upsert.UnitPrice, ReleaseDate = upsert.ReleaseDate };
            db.Products.Add(product);
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(CancellationToken.None);
            logger.LogInformation("Product {Sku} created by {ChangedBy} via {Source}", sku, upsert.ChangedBy, upsert.Source);
            return new(ProductUpsertOutcome.Created, product.Id, null, $"Product {sku} created.", []);
        }

        if (product.Name == name && product.UnitPrice == upsert.UnitPrice && product.ReleaseDate == upsert.ReleaseDate)
        {
            return new(ProductUpsertOutcome.Unchanged, product.Id, null, $"Product {sku} is unchanged.", []);
        }

        ReleaseDateMove? moved = null;
        if (product.ReleaseDate is { } oldRelease && upsert.ReleaseDate is { } newRelease && newRelease != oldRelease)
        {
            var change = await etaChanges.ChangeWithinAsync(db, new EtaChangeRequest(
                EtaChangeTarget.FollowingRelease(product.Id, oldRelease), newRelease, EtaReasonCode.ReleaseDateMoved,
                $"Release date moved from {oldRelease:yyyy-MM-dd} to {newRelease:yyyy-MM-dd}", upsert.Source, upsert.ChangedBy), cancellationToken);
            switch (change.Outcome)
            {
                case EtaChangeOutcome.Conflict:
                    return new(ProductUpsertOutcome.Conflict, product.Id, null, change.Message, []);
                case EtaChangeOutcome.Invalid:
                    return new(ProductUpsertOutcome.Invalid, product.Id, null, change.Message,
                        [.. change.Errors.Select(e => e.Field == nameof(EtaChangeRequest.NewEta) ? e with { Field = nameof(upsert.ReleaseDate) } : e)]);
            }
            moved = new ReleaseDateMove(oldRelease, newRelease, change.LinesChanged, change.CustomersAffected);
        }

        product.Name = name;
        product.UnitPrice = upsert.UnitPrice;
        product.ReleaseDate = upsert.ReleaseDate;
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(CancellationToken.None);
        if (moved is { Lines: > 0 })
        {
            outboxSignal.Notify();
        }
        logger.LogInformation("Product {Sku} updated by {ChangedBy} via {Source}; {Lines} pre-order lines moved with the release date",
            sku, upsert.ChangedBy, upsert.Source, moved?.Lines ?? 0);
        return new(ProductUpsertOutcome.Updated, product.Id, moved, moved is { Lines: > 0 }
            ? $"Product {sku} updated; the ETA of {EtaChangeResult.Count(moved.Lines, "pre-order line")} moved with the release date."
            : $"Product {sku} updated.", []);
    }
}
