using System.Data.Common;
using System.Linq.Expressions;
using BacklogPortal.Data;
using BacklogPortal.Notifications;
using BacklogPortal.Telemetry;
using Microsoft.EntityFrameworkCore.Storage;

namespace BacklogPortal.EtaChanges;

/// <summary>
/// The one write path for ETAs: staff pages, the CSV import and the ERP API all change dates here,
/// so every change gets its audit row and its outbox row in the same transaction, whatever the
/// source. Set-based for every target (one line or fifty thousand): a handful of statements, no
/// tracked entities. See docs/decisions/003-eta-write-path.md.
/// </summary>
public sealed class EtaChangeService
{
    /// <summary>The most lines a change may select to be written in a group with others (see <see cref="ChangeAsync"/>).</summary>
    internal const int MaxGroupedLines = 100;

    private readonly IDbContextFactory<PortalDbContext> dbFactory;
    private readonly TimeProvider clock;
    private readonly OutboxSignal outboxSignal;
    private readonly ILogger<EtaChangeService> logger;
    private readonly SqliteGroupCommit<GroupedChange, EtaChangeResult>? groups;

    public EtaChangeService(IDbContextFactory<PortalDbContext> dbFactory, TimeProvider clock, OutboxSignal outboxSignal, ILogger<EtaChangeService> logger)
    {
        (this.dbFactory, this.clock, this.outboxSignal, this.logger) = (dbFactory, clock, outboxSignal, logger);
        using var probe = dbFactory.CreateDbContext();
        if (HoldsTheWriteLock(probe))
        {
            groups = new(WriteGroupAsync, WriteAloneAsync, logger);
        }
    }

    public const string LineConflictMessage =
        "This line was changed by someone else while you were editing it. Nothing was saved; reload the line and try again.";

    public const string BulkConflictMessage =
        "Some of the lines changed while the ETA change ran. Nothing was saved; try again.";

    /// <summary>How many lines and customers the change would touch now (nothing is written).</summary>
    public async Task<EtaChangePreview> PreviewAsync(EtaChangeTarget target, DateOnly? newEta, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var resolved = await ResolveAsync(db, target, cancellationToken);
        if (resolved is null)
        {
            return new EtaChangePreview(0, 0);
        }
        var lines = db.OrderLines.AsNoTracking().Where(resolved.Match).Where(LineRules.IsOpen).Where(EtaChangeRules.DiffersFrom(newEta));
        var lineCount = await lines.CountAsync(cancellationToken);
        var customerCount = lineCount == 0 ? 0 : await lines.Select(l => l.CustomerId).Distinct().CountAsync(cancellationToken);
        return new EtaChangePreview(lineCount, customerCount);
    }

    /// <summary>
    /// The preview a person confirms before a change of many lines: how many lines and customers,
    /// how many move later or earlier, how many will then need the customer's decision (FTC rule),
    /// and one page of the affected line ids, in order. Nothing is written.
    /// </summary>
    public async Task<EtaChangeImpact> ImpactAsync(
        EtaChangeTarget target, DateOnly? newEta, int page, int pageSize, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var resolved = await ResolveAsync(db, target, cancellationToken);
        if (resolved is null)
        {
            return new EtaChangeImpact(0, 0, 0, 0, 0, []);
        }
        var lines = db.OrderLines.AsNoTracking().Where(resolved.Match).Where(LineRules.IsOpen).Where(EtaChangeRules.DiffersFrom(newEta));
        var lineCount = await lines.CountAsync(cancellationToken);
        if (lineCount == 0)
        {
            return new EtaChangeImpact(0, 0, 0, 0, 0, []);
        }
        var customers = await lines.Select(l => l.CustomerId).Distinct().CountAsync(cancellationToken);
        var later = lines.Where(DelayConsent.MovesLater(newEta));
        var laterCount = await later.CountAsync(cancellationToken);
        // A later date resets an earlier answer, so every later line needing consent will ask again;
        // an earlier one keeps the customer's answer.
        var decisions = await later.Where(DelayConsent.RequiredAfter(newEta)).CountAsync(cancellationToken)
            + await lines.Where(DelayConsent.MovesEarlier(newEta)).Where(DelayConsent.RequiredAfter(newEta))
                .Where(l => l.CustomerResponse == CustomerResponse.None).CountAsync(cancellationToken);
        var ids = await lines.OrderBy(l => l.OrderId).ThenBy(l => l.LineNumber)
            .Skip(Math.Max(page, 0) * Math.Max(pageSize, 1)).Take(Math.Max(pageSize, 1))
            .Select(l => l.Id).ToListAsync(cancellationToken);
        return new EtaChangeImpact(lineCount, customers, laterCount, lineCount - laterCount, decisions, ids);
    }

    /// <summary>
    /// One change, in a transaction of its own; on SQLite a change of a few selected lines (a staff edit, an API
    /// update of one line) is written together with the others that arrive at the same moment (group commit,
    /// decision 017), each still all or nothing and answered with its own result.
    /// </summary>
    public async Task<EtaChangeResult> ChangeAsync(EtaChangeRequest request, CancellationToken cancellationToken = default)
    {
        using var activity = Traced(request.Source, request.Target.GetType().Name);
        if (groups is not null && request.Target is EtaChangeTarget.SelectedLines { Lines.Count: <= MaxGroupedLines })
        {
            var now = clock.GetUtcNow();
            var errors = EtaChangeRules.Validate(request, DateOnly.FromDateTime(now.UtcDateTime));
            var grouped = errors.Count > 0
                ? EtaChangeResult.InvalidBecause(errors)
                : await groups.RunAsync(new GroupedChange(request, now, Guid.NewGuid(), System.Diagnostics.Activity.Current), cancellationToken);
            return Counted(activity, request.Source, grouped);
        }
        // A transient SQL Server fault runs the whole change again, from validation to commit, on a fresh context
        // (Data/UnitsOfWork); a commit that landed although its answer was lost is recognised by the batch's audit rows.
        var batchId = Guid.NewGuid();
        var result = await dbFactory.RunWithRetriesAsync(() => ChangeOnceAsync(request, batchId, cancellationToken), () => CommittedAsync(batchId), cancellationToken);
        return Counted(activity, request.Source, result);
    }

    // One group of changes of selected lines in one transaction on SQLite (decision 017).
    private async Task<EtaChangeResult[]> WriteGroupAsync(IReadOnlyList<GroupedChange> changes)
    {
        await using var db = await dbFactory.CreateDbContextAsync();
        await db.Database.OpenConnectionAsync();
        // ADO.NET's own transaction, not deferred (BEGIN IMMEDIATE, like EF's here): the write lock from the first
        // statement, without EF's bookkeeping around it, as every statement of the group is a plain command.
        await using var transaction = ((Microsoft.Data.Sqlite.SqliteConnection)db.Database.GetDbConnection()).BeginTransaction(deferred: false);
        var results = await SqliteLineChanges.ApplyAsync(db, transaction, changes, logger);
        if (results.Any(result => result.Outcome == EtaChangeOutcome.Changed))
        {
            await transaction.CommitAsync();
            outboxSignal.Notify();
        }
        return results;
    }

    // A change of a group that failed as a whole, again in a transaction of its own, so that one change's error
    // is its caller's alone.
    private Task<EtaChangeResult> WriteAloneAsync(GroupedChange change)
    {
        System.Diagnostics.Activity.Current = change.Activity;
        return dbFactory.RunWithRetriesAsync(
            () => ChangeOnceAsync(change.Request, change.BatchId, CancellationToken.None), () => CommittedAsync(change.BatchId));
    }

    /// <summary>One span per change, tagged with its source and the kind of target it changed.</summary>
    private static System.Diagnostics.Activity? Traced(ChangeSource source, string target) =>
        PortalMetrics.Activities.StartActivity("EtaChange")?.SetTag("portal.eta_change.source", source.ToString().ToLowerInvariant())
            .SetTag("portal.eta_change.target", target);

    private static EtaChangeResult Counted(System.Diagnostics.Activity? activity, ChangeSource source, EtaChangeResult result)
    {
        activity?.SetTag("portal.eta_change.outcome", result.Outcome.ToString()).SetTag("portal.eta_change.lines", result.LinesChanged);
        if (result.Outcome == EtaChangeOutcome.Changed)
        {
            PortalMetrics.EtaChanged(source, result.LinesChanged);
        }
        return result;
    }

    private async Task<EtaChangeResult> ChangeOnceAsync(EtaChangeRequest request, Guid batchId, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var errors = EtaChangeRules.Validate(request, DateOnly.FromDateTime(now.UtcDateTime));
        if (errors.Count > 0)
        {
            return EtaChangeResult.InvalidBecause(errors);
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        // On SQLite this takes the database's write lock at once (BEGIN IMMEDIATE), so the
        // statements below see no other writer at all.
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var result = await ApplyAsync(db, request, now, batchId, cancellationToken);
        if (result.Outcome != EtaChangeOutcome.Changed)
        {
            return result;
        }

        // Past this point the change is made: a cancelled caller must not roll it back.
        await transaction.CommitAsync(CancellationToken.None);
        outboxSignal.Notify();
        return result;
    }

    private async Task<(bool, EtaChangeResult)> CommittedAsync(Guid batchId)
    {
        await using var db = await dbFactory.CreateDbContextAsync();
        var audit = db.EtaChanges.AsNoTracking().Where(c => c.BatchId == batchId);
        var lines = await audit.CountAsync();
        if (lines == 0)
        {
            return (false, EtaChangeResult.NothingChanged());
        }
        outboxSignal.Notify();
        return (true, EtaChangeResult.Changed(lines, await audit.Select(c => c.CustomerId).Distinct().CountAsync(), batchId));
    }

    /// <summary>
    /// The same change inside the caller's open transaction, for writes that must commit together with
    /// an ETA change (an order upsert, a moved release date). The caller commits only when every part
    /// succeeded (a conflict or an invalid request here must roll the whole transaction back) and then
    /// calls <see cref="OutboxSignal.Notify"/>.
    /// </summary>
    public async Task<EtaChangeResult> ChangeWithinAsync(PortalDbContext db, EtaChangeRequest request, CancellationToken cancellationToken = default)
    {
        if (db.Database.CurrentTransaction is null)
        {
            throw new InvalidOperationException("ChangeWithinAsync runs inside the caller's transaction; begin one first.");
        }
        using var activity = Traced(request.Source, request.Target.GetType().Name);
        var now = clock.GetUtcNow();
        var errors = EtaChangeRules.Validate(request, DateOnly.FromDateTime(now.UtcDateTime));
        var result = errors.Count > 0 ? EtaChangeResult.InvalidBecause(errors) : await ApplyAsync(db, request, now, Guid.NewGuid(), cancellationToken);
        // Counted when written: the caller's commit follows at once, and a rolled-back upsert is rare enough that
        // the counter (a rate for dashboards, not the audit trail) may include it.
        return Counted(activity, request.Source, result);
    }

    /// <summary>
    /// The audit rows (reason <see cref="EtaReasonCode.InitialEstimate"/>, from "unknown" to the line's
    /// ETA) of lines just created with an ETA, inside the caller's transaction. No outbox rows: the
    /// customer has just placed the order and sees its dates; only later moves are news.
    /// </summary>
    public async Task<int> RecordInitialEstimatesAsync(
        PortalDbContext db, int orderId, ChangeSource source, string changedBy, CancellationToken cancellationToken = default)
    {
        if (db.Database.CurrentTransaction is null)
        {
            throw new InvalidOperationException("Initial estimates are recorded inside the transaction that creates the lines.");
        }
        using var sql = new SqlBuilder(db);
        var insertAudit = $"""
            INSERT INTO "EtaChanges" ("OrderLineId", "CustomerId", "OldEta", "NewEta", "ReasonCode", "ReasonText", "Source", "ChangedBy", "ChangedAt", "BatchId")
            SELECT l."Id", l."CustomerId", NULL, l."Eta",
                   {sql.Value<EtaChange>(nameof(EtaChange.ReasonCode), EtaReasonCode.InitialEstimate)},
                   NULL,
                   {sql.Value<EtaChange>(nameof(EtaChange.Source), source)},
                   {sql.Value<EtaChange>(nameof(EtaChange.ChangedBy), changedBy.Trim())},
                   {sql.Value<EtaChange>(nameof(EtaChange.ChangedAt), clock.GetUtcNow())},
                   {sql.Value<EtaChange>(nameof(EtaChange.BatchId), Guid.NewGuid())}
            FROM "OrderLines" AS l
            WHERE l."OrderId" = {sql.Value<OrderLine>(nameof(OrderLine.OrderId), orderId)} AND l."Eta" IS NOT NULL
              AND NOT EXISTS (SELECT 1 FROM "EtaChanges" AS c WHERE c."OrderLineId" = l."Id")
            """;
        return await db.Database.ExecuteSqlRawAsync(insertAudit, sql.Parameters, cancellationToken);
    }

    /// <summary>
    /// Many changes with dates and reasons of their own (a CSV import) in one transaction under one
    /// batch id: each item runs the same audit and update statements as a single change (and its claim on
    /// SQL Server: see below), and the outbox rows of all of them are written at the end. Either every item
    /// applies or none does.
    /// </summary>
    public async Task<EtaChangeResult> ChangeBatchAsync(
        EtaChangeBatch batch, IProgress<int>? itemsDone = null, CancellationToken cancellationToken = default)
    {
        using var activity = Traced(batch.Source, nameof(EtaChangeBatch));
        // As ChangeAsync: a transient SQL Server fault runs the whole batch again (Data/UnitsOfWork).
        var batchId = Guid.NewGuid();
        var result = await dbFactory.RunWithRetriesAsync(() => ChangeBatchOnceAsync(batch, batchId, itemsDone, cancellationToken), () => CommittedAsync(batchId), cancellationToken);
        return Counted(activity, batch.Source, result);
    }

    private async Task<EtaChangeResult> ChangeBatchOnceAsync(
        EtaChangeBatch batch, Guid batchId, IProgress<int>? itemsDone, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        var errors = batch.Items.Count == 0
            ? [new EtaChangeError(nameof(batch.Items), "The batch has no changes.")]
            : batch.Items
                .SelectMany(item => EtaChangeRules.Validate(
                    new EtaChangeRequest(item.Target, item.NewEta, item.ReasonCode, item.ReasonText, batch.Source, batch.ChangedBy), today))
                .Distinct()
                .ToList();
        if (errors.Count > 0)
        {
            return EtaChangeResult.InvalidBecause(errors);
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var resolvedItems = new List<TargetChange>(batch.Items.Count);
        foreach (var item in batch.Items)
        {
            var resolved = await ResolveAsync(db, item.Target, cancellationToken);
            if (resolved is null)
            {
                return EtaChangeResult.InvalidBecause([new(nameof(item.Target), NotFoundMessage(item.Target))]);
            }
            resolvedItems.Add(new TargetChange(resolved, item.NewEta, item.ReasonCode!.Value, item.ReasonText, batch.Source, batch.ChangedBy, now, batchId));
        }

        // Without the claim, one statement per item fewer: about a fifth of a 100,000-row import's transaction.
        var claimFirst = !HoldsTheWriteLock(db);
        await using var largerPageCache = claimFirst ? null : await SqliteEtaBatch.OpenAsync(db, cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var total = 0;
        for (var i = 0; i < resolvedItems.Count; i++)
        {
            var change = resolvedItems[i];
            var claimed = claimFirst ? await ClaimAsync(db, change, cancellationToken) : null as int?;
            if (claimed is not 0)
            {
                var written = await AuditAndUpdateAsync(db, change, claimed, cancellationToken);
                if (written.Audited != written.Updated || (claimed is { } count && written.Updated != count))
                {
                    return Conflict(claimed ?? written.Audited, written.Updated);
                }
                total += written.Updated;
            }
            itemsDone?.Report(i + 1);
        }
        if (total == 0)
        {
            return EtaChangeResult.NothingChanged();
        }
        var queued = await QueueAsync(db, batchId, cancellationToken);
        if (queued != total)
        {
            return Conflict(total, queued);
        }
        var customers = await db.EtaChanges.Where(c => c.BatchId == batchId).Select(c => c.CustomerId).Distinct().CountAsync(cancellationToken);

        await transaction.CommitAsync(CancellationToken.None);
        outboxSignal.Notify();

        logger.LogInformation(
            "ETA change batch {BatchId}: {Lines} lines of {Customers} customers in {Items} items by {ChangedBy} via {Source}",
            batchId, total, customers, resolvedItems.Count, batch.ChangedBy, batch.Source);
        return EtaChangeResult.Changed(total, customers, batchId);
    }

    // Every statement of one change, in the caller's transaction; commits nothing.
    private async Task<EtaChangeResult> ApplyAsync(PortalDbContext db, EtaChangeRequest request, DateTimeOffset now, Guid batchId, CancellationToken cancellationToken)
    {
        var resolved = await ResolveAsync(db, request.Target, cancellationToken);
        if (resolved is null)
        {
            return EtaChangeResult.InvalidBecause([new(nameof(request.Target), NotFoundMessage(request.Target))]);
        }

        var change = new TargetChange(resolved, request.NewEta, request.ReasonCode!.Value, request.ReasonText, request.Source, request.ChangedBy, now, batchId);
        int claimed, customers;
        var claimFirst = true;
        if (resolved.ExpectedVersions is { } seen && HoldsTheWriteLock(db))
        {
            // Selected lines: one read of the lines stands in for the claim, its version check and the customer
            // count. Each line must still be at the version its editor saw; the update below bumps the versions.
            // An API or staff change of one line is then five statements instead of seven (docs/PERFORMANCE.md, "ERP API").
            var lines = await ReadLinesAsync(db, seen, cancellationToken);
            if (!seen.All(line => lines.TryGetValue(line.LineId, out var current) && current.Version == line.Version))
            {
                return EtaChangeResult.ConflictOn(seen.Count == 1 ? LineConflictMessage : BulkConflictMessage);
            }
            var changing = lines.Values.Where(l => LineRules.IsOpenStatus(l.Status) && EtaChangeRules.Differs(l.Eta, request.NewEta)).ToList();
            (claimed, customers, claimFirst) = (changing.Count, changing.Select(l => l.CustomerId).Distinct().Count(), false);
        }
        else
        {
            claimed = await ClaimAsync(db, change, cancellationToken);
            if (resolved.ExpectedVersions is { } expected && !await VersionsStillMatchAsync(db, expected, request.NewEta, cancellationToken))
            {
                return EtaChangeResult.ConflictOn(expected.Count == 1 ? LineConflictMessage : BulkConflictMessage);
            }
            // Counted on the claimed lines through the target's index, before the audit rows exist.
            customers = claimed == 0 ? 0 : await change.Lines(db).Select(l => l.CustomerId).Distinct().CountAsync(cancellationToken);
        }
        if (claimed == 0)
        {
            return EtaChangeResult.NothingChanged();
        }

        var written = await AuditAndUpdateAsync(db, change, claimFirst ? claimed : null, cancellationToken);
        if (written.Audited != claimed || written.Updated != claimed)
        {
            return Conflict(claimed, written.Audited != claimed ? written.Audited : written.Updated);
        }
        var queued = await QueueAsync(db, batchId, cancellationToken);
        if (queued != claimed)
        {
            return Conflict(claimed, queued);
        }

        logger.LogInformation(
            "ETA change {BatchId}: {Lines} lines of {Customers} customers to {NewEta} ({ReasonCode}) by {ChangedBy} via {Source}",
            batchId, claimed, customers, request.NewEta?.ToString("yyyy-MM-dd") ?? "unknown", request.ReasonCode, request.ChangedBy, request.Source);
        return EtaChangeResult.Changed(claimed, customers, batchId);
    }

    /// <summary>
    /// Whether the transaction holds the database's one write lock from its start: on SQLite, which lets one writer in
    /// at a time and whose transactions here begin IMMEDIATE. Then no line can change between this change's reads and
    /// its writes, and the claim below (which locks the rows on SQL Server) is skipped; the update bumps the versions
    /// itself (decision 003, amendment).
    /// </summary>
    private static bool HoldsTheWriteLock(PortalDbContext db) => db.Database.IsSqlite();

    // 1. Claim the lines: bumping their version first locks exactly the rows that will change
    //    (on SQL Server until the commit), so the old ETA read by the audit insert below is
    //    still the line's ETA when the final update runs, and a concurrent single-line editor
    //    holding the old version gets a conflict instead of overwriting this change.
    private static Task<int> ClaimAsync(PortalDbContext db, TargetChange change, CancellationToken cancellationToken) =>
        change.Lines(db).ExecuteUpdateAsync(s => s.SetProperty(l => l.Version, l => l.Version + 1), cancellationToken);

    /// <summary>
    /// Writes the audit rows of the lines, then the lines themselves; returns the rows written by each (the update
    /// is skipped when the audit count already differs from <paramref name="claimed"/>). Without a claim
    /// (<paramref name="claimed"/> null) the update bumps the lines' versions itself.
    /// </summary>
    private static async Task<(int Audited, int Updated)> AuditAndUpdateAsync(
        PortalDbContext db, TargetChange change, int? claimed, CancellationToken cancellationToken)
    {
        // 2. The audit rows, derived from the claimed lines themselves.
        using var sql = new SqlBuilder(db);
        // Only parameter names and enum numbers are spliced into the SQL text; every value is a parameter.
        var insertAudit = $"""
            INSERT INTO "EtaChanges" ("OrderLineId", "CustomerId", "OldEta", "NewEta", "ReasonCode", "ReasonText", "Source", "ChangedBy", "ChangedAt", "BatchId")
            SELECT l."Id", l."CustomerId", l."Eta",
                   {sql.Value<EtaChange>(nameof(EtaChange.NewEta), change.NewEta)},
                   {sql.Value<EtaChange>(nameof(EtaChange.ReasonCode), change.ReasonCode)},
                   {sql.Value<EtaChange>(nameof(EtaChange.ReasonText), EtaChangeRules.AuditText(change.ReasonText))},
                   {sql.Value<EtaChange>(nameof(EtaChange.Source), change.Source)},
                   {sql.Value<EtaChange>(nameof(EtaChange.ChangedBy), change.ChangedBy.Trim())},
                   {sql.Value<EtaChange>(nameof(EtaChange.ChangedAt), change.ChangedAt)},
                   {sql.Value<EtaChange>(nameof(EtaChange.BatchId), change.BatchId)}
            FROM "OrderLines" AS l
            WHERE {change.Target.Sql(sql)} AND l."Status" IN ({string.Join(", ", LineRules.OpenStatuses.Select(s => (int)s))}) AND {DiffersFromSql(sql, change.NewEta)}
            """;
        var audited = await db.Database.ExecuteSqlRawAsync(insertAudit, sql.Parameters, cancellationToken);
        if (claimed is { } count && audited != count)
        {
            return (audited, 0);
        }

        // 4. The lines themselves. Every right-hand side reads the line as it was before this statement.
        var movesLater = DelayConsent.MovesLater(change.NewEta);
        var updated = await change.Lines(db).ExecuteUpdateAsync(s =>
        {
            if (claimed is null)
            {
                s.SetProperty(l => l.Version, l => l.Version + 1);
            }
            s.SetProperty(l => l.Eta, change.NewEta)
                .SetProperty(l => l.EtaChangeCount, l => l.EtaChangeCount + 1)
                .SetProperty(l => l.ConsentRequired, DelayConsent.RequiredAfter(change.NewEta))
                .SetProperty(l => l.CustomerResponse, Conditional(movesLater, l => CustomerResponse.None, l => l.CustomerResponse))
                .SetProperty(l => l.CustomerRespondedAt, Conditional(movesLater, l => null, l => l.CustomerRespondedAt))
                .SetProperty(l => l.CustomerRespondedBy, Conditional(movesLater, l => null, l => l.CustomerRespondedBy));
        }, cancellationToken);
        return (audited, updated);
    }

    // 3. One outbox row per audit row, in the same transaction: the composer can never miss a change. Each row carries
    //    the change's trace context (one parameter for the whole statement), which the email's spans link back to.
    private static async Task<int> QueueAsync(PortalDbContext db, Guid batchId, CancellationToken cancellationToken)
    {
        using var sql = new SqlBuilder(db);
        var insertOutbox = $"""
            INSERT INTO "NotificationOutbox" ("CustomerId", "Kind", "OrderLineId", "EtaChangeId", "CreatedAt", "ProcessedAt", "NotificationId", "TraceParent")
            SELECT c."CustomerId", {(int)NotificationKind.EtaChanged}, c."OrderLineId", c."Id", c."ChangedAt", NULL, NULL,
                   {sql.Value<NotificationOutboxEntry>(nameof(NotificationOutboxEntry.TraceParent), EmailTraces.CurrentTraceParent())}
            FROM "EtaChanges" AS c
            WHERE c."BatchId" = {sql.Value<EtaChange>(nameof(EtaChange.BatchId), batchId)}
            """;
        return await db.Database.ExecuteSqlRawAsync(insertOutbox, sql.Parameters, cancellationToken);
    }

    private EtaChangeResult Conflict(int claimed, int written)
    {
        // Only possible on a database that lets another writer in between (SQL Server), e.g. a line
        // that became open while this change ran. The transaction is disposed uncommitted: rolled back.
        logger.LogWarning("ETA change rolled back: {Claimed} lines claimed but {Written} rows written", claimed, written);
        return EtaChangeResult.ConflictOn(BulkConflictMessage);
    }

    // After the claim, each selected line must carry the version its editor saw: plus one when this
    // change claimed it, unchanged when it is left alone (shipped, cancelled, already at the date).
    private static async Task<bool> VersionsStillMatchAsync(
        PortalDbContext db, IReadOnlyList<LineVersion> expected, DateOnly? newEta, CancellationToken cancellationToken)
    {
        var current = await ReadLinesAsync(db, expected, cancellationToken);
        // The plain forms of the claim's rules: compiling their expressions here cost a dynamic method and its JIT
        // per call, most of an API ETA update's CPU (docs/PERFORMANCE.md, "ERP API").
        return expected.All(seen => current.TryGetValue(seen.LineId, out var line)
            && line.Version == (LineRules.IsOpenStatus(line.Status) && EtaChangeRules.Differs(line.Eta, newEta) ? seen.Version + 1 : seen.Version));
    }

    private static async Task<Dictionary<int, SelectedLine>> ReadLinesAsync(
        PortalDbContext db, IReadOnlyList<LineVersion> selected, CancellationToken cancellationToken)
    {
        var ids = selected.Select(l => l.LineId).ToArray();
        return await db.OrderLines.AsNoTracking()
            .Where(l => ids.Contains(l.Id))
            .Select(l => new SelectedLine(l.Id, l.Version, l.Status, l.Eta, l.CustomerId))
            .ToDictionaryAsync(l => l.Id, cancellationToken);
    }

    private sealed record SelectedLine(int Id, long Version, LineStatus Status, DateOnly? Eta, int CustomerId);

    private static string NotFoundMessage(EtaChangeTarget target) => target switch
    {
        EtaChangeTarget.OpenLinesOfOrder { OrderNumber: var number } => $"There is no order {number.Trim()}.",
        EtaChangeTarget.OpenLinesOfSku { Sku: var sku } => $"There is no product with SKU {sku.Trim()}.",
        _ => "The lines were not found.",
    };

    private static string DiffersFromSql(SqlBuilder sql, DateOnly? newEta) => newEta is { } eta
        ? $"""(l."Eta" IS NULL OR l."Eta" <> {sql.Value<OrderLine>(nameof(OrderLine.Eta), eta)})"""
        : """l."Eta" IS NOT NULL""";

    private static Expression<Func<OrderLine, T>> Conditional<T>(
        Expression<Func<OrderLine, bool>> test, Expression<Func<OrderLine, T>> whenTrue, Expression<Func<OrderLine, T>> whenFalse)
    {
        var line = test.Parameters[0];
        return Expression.Lambda<Func<OrderLine, T>>(
            Expression.Condition(test.Body, Rebind(whenTrue, line), Rebind(whenFalse, line)), line);
    }

    private static Expression Rebind<T>(Expression<Func<OrderLine, T>> lambda, ParameterExpression line) =>
        lambda.Body.Replace(lambda.Parameters[0], line);

    private static async Task<ResolvedTarget?> ResolveAsync(PortalDbContext db, EtaChangeTarget target, CancellationToken cancellationToken)
    {
        switch (target)
        {
            case EtaChangeTarget.SelectedLines { Lines: var lines }:
                return LinesWithIds([.. lines.Select(l => l.LineId)], lines);
            case EtaChangeTarget.LinesById { LineIds: var lineIds }:
                return LinesWithIds([.. lineIds], null);
            case EtaChangeTarget.OpenLinesOfOrder { OrderNumber: var number }:
                var orderNumber = number.Trim();
                return LinesWithKey(nameof(OrderLine.OrderId),
                    await db.Orders.Where(o => o.OrderNumber == orderNumber).Select(o => (int?)o.Id).SingleOrDefaultAsync(cancellationToken));
            case EtaChangeTarget.OpenLinesOfSku { Sku: var sku }:
                var skuText = sku.Trim();
                return LinesWithKey(nameof(OrderLine.ProductId),
                    await db.Products.Where(p => p.Sku == skuText).Select(p => (int?)p.Id).SingleOrDefaultAsync(cancellationToken));
            case EtaChangeTarget.PreOrdersFollowingRelease { ProductId: var releasedProduct, ReleaseDate: var releaseDate }:
                return new ResolvedTarget(
                    l => l.ProductId == releasedProduct && l.Kind == BacklogKind.PreOrder && l.Eta == releaseDate,
                    sql => $"""l."ProductId" = {sql.Value<OrderLine>(nameof(OrderLine.ProductId), releasedProduct)} AND l."Kind" = {(int)BacklogKind.PreOrder} AND l."Eta" = {sql.Value<OrderLine>(nameof(OrderLine.Eta), releaseDate)}""",
                    null);
            default:
                throw new ArgumentOutOfRangeException(nameof(target), target, "Unknown ETA change target.");
        }
    }

    /// <summary>The lines with these ids.</summary>
    /// <remarks>
    /// One id is a parameter everywhere (one statement shape for every single-line change, which SQL Server's plan
    /// cache reuses). More ids go to EF's statements as one list parameter (JSON: <c>json_each</c> on SQLite,
    /// <c>OPENJSON</c> on SQL Server) and into the raw audit insert as numbers (an <c>int</c> prints only digits),
    /// rather than one parameter per id: Microsoft.Data.Sqlite binds each named parameter by looking its name up
    /// among the statement's parameters one after another, which made a thousand-id statement bind slowly, and
    /// SQL Server allows only about 2,100 parameters (docs/PERFORMANCE.md, "CSV import").
    /// </remarks>
    private static ResolvedTarget LinesWithIds(int[] ids, IReadOnlyList<LineVersion>? expected)
    {
        if (ids.Length == 1)
        {
            var id = ids[0];
            return new(l => l.Id == id, sql => $"""l."Id" = {sql.Value<OrderLine>(nameof(OrderLine.Id), id)}""", expected);
        }
        var list = string.Join(", ", ids.Select(id => id.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        return new(l => EF.Parameter(ids).Contains(l.Id), _ => $"""l."Id" IN ({list})""", expected);
    }

    /// <summary>The lines whose foreign key <paramref name="column"/> is <paramref name="id"/>; none when the key was not found.</summary>
    private static ResolvedTarget? LinesWithKey(string column, int? id) => id is { } key
        ? new ResolvedTarget(l => EF.Property<int>(l, column) == key, sql => $"""l."{column}" = {sql.Value<OrderLine>(column, key)}""", null)
        : null;

    /// <summary>One target's change: what the claim, audit and update statements need.</summary>
    private sealed record TargetChange(
        ResolvedTarget Target, DateOnly? NewEta, EtaReasonCode ReasonCode, string? ReasonText, ChangeSource Source,
        string ChangedBy, DateTimeOffset ChangedAt, Guid BatchId)
    {
        public IQueryable<OrderLine> Lines(PortalDbContext db) => db.OrderLines
            .Where(Target.Match)
            .Where(LineRules.IsOpen)
            .Where(EtaChangeRules.DiffersFrom(NewEta));
    }

    /// <summary>The target as a LINQ filter (for EF's set-based updates) and as SQL (for INSERT … SELECT); both say the same.</summary>
    private sealed record ResolvedTarget(
        Expression<Func<OrderLine, bool>> Match,
        Func<SqlBuilder, string> Sql,
        IReadOnlyList<LineVersion>? ExpectedVersions);

    /// <summary>
    /// Parameters for raw SQL, converted by the column's own EF type mapping, so that they compare
    /// with what EF stored: on SQLite a DateTimeOffset becomes ticks and a Guid upper-case text.
    /// </summary>
    private sealed class SqlBuilder(PortalDbContext db) : IDisposable
    {
        private readonly DbCommand factory = db.Database.GetDbConnection().CreateCommand();
        private readonly List<DbParameter> parameters = [];

        public IReadOnlyList<DbParameter> Parameters => parameters;

        public string Value<TEntity>(string property, object? value)
        {
            var mapping = db.Model.FindEntityType(typeof(TEntity))!.FindProperty(property)!.GetRelationalTypeMapping();
            var name = $"@p{parameters.Count}";
            parameters.Add(mapping.CreateParameter(factory, name, value, nullable: true));
            return name;
        }

        public void Dispose() => factory.Dispose();
    }
}

