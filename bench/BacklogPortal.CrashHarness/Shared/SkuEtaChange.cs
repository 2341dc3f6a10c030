using System.Data.Common;
using BacklogPortal.Data;
using BacklogPortal.Domain;
using Microsoft.EntityFrameworkCore;

namespace BacklogPortal.Bench;

/// <summary>
/// Moves the ETA of every open line of one SKU the way the portal's ETA write path does
/// (EtaChangeService, decision 003): in one transaction, claim the lines (version + 1), insert one
/// audit row per line, one outbox row per audit row, then update the lines with the FTC consent
/// rule. Written out here because the notification branch this bench was built on does not have
/// the write path yet; the rows it commits are the ones the composer reads.
/// </summary>
public static class SkuEtaChange
{
    public sealed record Result(int Lines, int Customers, DateTimeOffset CommittedAt);

    public static async Task<Result> ChangeAsync(PortalDbContext db, string sku, DateOnly newEta, string reasonText, CancellationToken cancellationToken = default)
    {
        var now = DateTimeOffset.UtcNow;
        var productId = await db.Products.Where(p => p.Sku == sku).Select(p => p.Id).SingleAsync(cancellationToken);
        var batchId = Guid.NewGuid();
        var silentConsentLimit = newEta.AddDays(-30);
        var lines = db.OrderLines.Where(l => l.ProductId == productId
            && (l.Status == LineStatus.Open || l.Status == LineStatus.PartiallyShipped)
            && (l.Eta == null || l.Eta != newEta));

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var claimed = await lines.ExecuteUpdateAsync(s => s.SetProperty(l => l.Version, l => l.Version + 1), cancellationToken);
        var customers = await lines.Select(l => l.CustomerId).Distinct().CountAsync(cancellationToken);

        using var audit = new Parameters(db);
        // Only parameter names and enum numbers are spliced into the text; every value is a parameter.
        var insertAudit = $"""
            INSERT INTO "EtaChanges" ("OrderLineId", "CustomerId", "OldEta", "NewEta", "ReasonCode", "ReasonText", "Source", "ChangedBy", "ChangedAt", "BatchId")
            SELECT l."Id", l."CustomerId", l."Eta",
                   {audit.Add<EtaChange>(nameof(EtaChange.NewEta), newEta)},
                   {(int)EtaReasonCode.SupplierDelay},
                   {audit.Add<EtaChange>(nameof(EtaChange.ReasonText), reasonText)},
                   {(int)ChangeSource.Staff},
                   {audit.Add<EtaChange>(nameof(EtaChange.ChangedBy), "staff@example.com")},
                   {audit.Add<EtaChange>(nameof(EtaChange.ChangedAt), now)},
                   {audit.Add<EtaChange>(nameof(EtaChange.BatchId), batchId)}
            FROM "OrderLines" AS l
            WHERE l."ProductId" = {audit.Add<OrderLine>(nameof(OrderLine.ProductId), productId)}
              AND l."Status" IN ({(int)LineStatus.Open}, {(int)LineStatus.PartiallyShipped})
              AND (l."Eta" IS NULL OR l."Eta" <> {audit.Add<OrderLine>(nameof(OrderLine.Eta), newEta)})
            """;
        var audited = await db.Database.ExecuteSqlRawAsync(insertAudit, audit.Values, cancellationToken);

        using var outbox = new Parameters(db);
        var insertOutbox = $"""
            INSERT INTO "NotificationOutbox" ("CustomerId", "Kind", "OrderLineId", "EtaChangeId", "CreatedAt", "ProcessedAt", "NotificationId")
            SELECT c."CustomerId", {(int)NotificationKind.EtaChanged}, c."OrderLineId", c."Id", c."ChangedAt", NULL, NULL
            FROM "EtaChanges" AS c
            WHERE c."BatchId" = {outbox.Add<EtaChange>(nameof(EtaChange.BatchId), batchId)}
            """;
        var queued = await db.Database.ExecuteSqlRawAsync(insertOutbox, outbox.Values, cancellationToken);

        // The consent rule of the write path (16 CFR 435.2): a first delay to at most 30 days past
        // the promise is silently accepted; a further or longer delay needs express consent.
        var updated = await lines.ExecuteUpdateAsync(s => s
            .SetProperty(l => l.Eta, newEta)
            .SetProperty(l => l.EtaChangeCount, l => l.EtaChangeCount + 1)
            .SetProperty(l => l.ConsentRequired, l => l.Eta != null && l.Eta < newEta
                ? l.PromisedDate == null || (l.PromisedDate < newEta && (l.Eta > l.PromisedDate || l.PromisedDate < silentConsentLimit))
                : (l.PromisedDate != null && l.PromisedDate >= newEta) ? false : l.ConsentRequired)
            .SetProperty(l => l.CustomerResponse, l => l.Eta != null && l.Eta < newEta ? CustomerResponse.None : l.CustomerResponse),
            cancellationToken);
        if (audited != claimed || queued != claimed || updated != claimed)
        {
            throw new InvalidOperationException($"SKU change wrote {claimed} claims, {audited} audit rows, {queued} outbox rows, {updated} line updates.");
        }
        await transaction.CommitAsync(CancellationToken.None);
        return new Result(claimed, customers, DateTimeOffset.UtcNow);
    }

    /// <summary>Raw SQL parameters converted by the column's own EF mapping (ticks for instants, text for dates and GUIDs).</summary>
    private sealed class Parameters(PortalDbContext db) : IDisposable
    {
        private readonly DbCommand factory = db.Database.GetDbConnection().CreateCommand();
        private readonly List<DbParameter> values = [];

        public IReadOnlyList<DbParameter> Values => values;

        public string Add<TEntity>(string property, object? value)
        {
            var mapping = db.Model.FindEntityType(typeof(TEntity))!.FindProperty(property)!.GetRelationalTypeMapping();
            var name = $"@p{values.Count}";
            values.Add(mapping.CreateParameter(factory, name, value, nullable: true));
            return name;
        }

        public void Dispose() => factory.Dispose();
    }
}
