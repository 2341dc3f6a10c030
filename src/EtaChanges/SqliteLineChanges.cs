using System.Data.Common;
using System.Diagnostics;
using BacklogPortal.Data;
using BacklogPortal.Notifications;
using BacklogPortal.Telemetry;
using System.Globalization;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Storage;

namespace BacklogPortal.EtaChanges;

/// <summary>A change of selected lines waiting for its group (<see cref="SqliteGroupCommit{TWork, TResult}"/>).</summary>
/// <param name="Activity">The caller's span: the change's statements and its outbox rows belong to it, not to the group.</param>
internal sealed record GroupedChange(EtaChangeRequest Request, DateTimeOffset Now, Guid BatchId, Activity? Activity)
{
    public IReadOnlyList<LineVersion> Lines => ((EtaChangeTarget.SelectedLines)Request.Target).Lines;
}

/// <summary>
/// A group of changes of selected lines on SQLite, in the group's transaction, which holds the write lock (decision 017):
/// one read of every line of the group, then for each line that changes three statements prepared once for the whole
/// group — its audit row, the line, its outbox row. The same rows as the set-based path of
/// <see cref="EtaChangeService"/>, whose EF statements cost about a millisecond each to build and prepare (the update
/// compiles the dashboard's triggers every time), against tens of microseconds to run.
/// </summary>
/// <remarks>
/// Each change is checked before anything of it is written: every selected line at the version its editor saw (else a
/// conflict, nothing written), and only open lines whose ETA differs change. The new consent flag and the reset of the
/// customer's answer are the <see cref="DelayConsent"/> rules evaluated on the line as read, which a test holds to the
/// set-based UPDATE's. Each statement also names the version it read, so a row it does not find stops the whole group.
/// </remarks>
internal sealed class SqliteLineChanges : IDisposable
{
    private const string ReadLinesSql = """
        SELECT "Id", "CustomerId", "Version", "Status", "Eta", "PromisedDate", "ConsentRequired", "CustomerResponse"
        FROM "OrderLines" WHERE "Id" IN (SELECT "value" FROM json_each(@ids))
        """;

    private const string UpdateLineSql = """
        UPDATE "OrderLines" SET "Version" = "Version" + 1, "Eta" = @eta, "EtaChangeCount" = "EtaChangeCount" + 1,
            "ConsentRequired" = @consentRequired,
            "CustomerResponse" = CASE WHEN @resetAnswer THEN @noAnswer ELSE "CustomerResponse" END,
            "CustomerRespondedAt" = CASE WHEN @resetAnswer THEN NULL ELSE "CustomerRespondedAt" END,
            "CustomerRespondedBy" = CASE WHEN @resetAnswer THEN NULL ELSE "CustomerRespondedBy" END
        WHERE "Id" = @id AND "Version" = @version
        """;

    private const string InsertAuditSql = """
        INSERT INTO "EtaChanges" ("OrderLineId", "CustomerId", "OldEta", "NewEta", "ReasonCode", "ReasonText", "Source", "ChangedBy", "ChangedAt", "BatchId")
        VALUES (@id, @customerId, @oldEta, @eta, @reasonCode, @reasonText, @source, @changedBy, @changedAt, @batchId)
        RETURNING "Id"
        """;

    private const string InsertOutboxSql = """
        INSERT INTO "NotificationOutbox" ("CustomerId", "Kind", "OrderLineId", "EtaChangeId", "CreatedAt", "ProcessedAt", "NotificationId", "TraceParent")
        VALUES (@customerId, @kind, @id, @etaChangeId, @changedAt, NULL, NULL, @traceParent)
        """;

    private readonly PortalDbContext db;
    private readonly DbTransaction transaction;
    private readonly DbCommand updateLine;
    private readonly DbCommand insertAudit;
    private readonly DbCommand insertOutbox;

    private SqliteLineChanges(PortalDbContext db, DbTransaction transaction)
    {
        (this.db, this.transaction) = (db, transaction);
        (updateLine, insertAudit, insertOutbox) = (Command(UpdateLineSql), Command(InsertAuditSql), Command(InsertOutboxSql));
    }

    private DbCommand Command(string sql)
    {
        var command = transaction.Connection!.CreateCommand();
        (command.CommandText, command.Transaction) = (sql, transaction);
        return command;
    }

    /// <summary>Applies the changes in order, each all or nothing, and returns each one's result; commits nothing.</summary>
    public static async Task<EtaChangeResult[]> ApplyAsync(PortalDbContext db, DbTransaction transaction, IReadOnlyList<GroupedChange> changes, ILogger logger)
    {
        using var statements = new SqliteLineChanges(db, transaction);
        // As read now, under the write lock; each applied change updates its lines here for the changes after it.
        var lines = await statements.ReadAsync(changes.SelectMany(change => change.Lines.Select(line => line.LineId)).Distinct());
        var results = new EtaChangeResult[changes.Count];
        var caller = Activity.Current;
        try
        {
            for (var i = 0; i < changes.Count; i++)
            {
                Activity.Current = changes[i].Activity;
                results[i] = await statements.ApplyAsync(changes[i], lines, logger);
            }
        }
        finally
        {
            Activity.Current = caller;
        }
        return results;
    }

    /// <summary>
    /// What the rules need of each line. A plain reader rather than an EF query: an EF query cost more than the three
    /// statements of a whole change (docs/PERFORMANCE.md, "ERP API"). Statuses and answers are stored as numbers.
    /// </summary>
    private async Task<Dictionary<int, OrderLine>> ReadAsync(IEnumerable<int> ids)
    {
        using var read = Command(ReadLinesSql);
        Bind<OrderLine>(read, "@ids", nameof(OrderLine.Id), $"[{string.Join(",", ids.Select(id => id.ToString(CultureInfo.InvariantCulture)))}]", typeof(string));
        var lines = new Dictionary<int, OrderLine>();
        await using var reader = await read.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            var line = new OrderLine
            {
                Id = reader.GetInt32(0),
                CustomerId = reader.GetInt32(1),
                Version = reader.GetInt64(2),
                Status = (LineStatus)reader.GetInt32(3),
                Eta = reader.IsDBNull(4) ? null : reader.GetFieldValue<DateOnly>(4),
                PromisedDate = reader.IsDBNull(5) ? null : reader.GetFieldValue<DateOnly>(5),
                ConsentRequired = reader.GetBoolean(6),
                CustomerResponse = (CustomerResponse)reader.GetInt32(7),
            };
            lines.Add(line.Id, line);
        }
        return lines;
    }

    private async Task<EtaChangeResult> ApplyAsync(GroupedChange change, Dictionary<int, OrderLine> lines, ILogger logger)
    {
        var request = change.Request;
        if (!change.Lines.All(seen => lines.TryGetValue(seen.LineId, out var line) && line.Version == seen.Version))
        {
            return EtaChangeResult.ConflictOn(change.Lines.Count == 1 ? EtaChangeService.LineConflictMessage : EtaChangeService.BulkConflictMessage);
        }
        var changing = change.Lines.Select(seen => lines[seen.LineId])
            .Where(line => LineRules.IsOpenStatus(line.Status) && EtaChangeRules.Differs(line.Eta, request.NewEta))
            .Distinct()
            .ToList();
        if (changing.Count == 0)
        {
            return EtaChangeResult.NothingChanged();
        }

        var traceParent = EmailTraces.CurrentTraceParent();
        foreach (var line in changing)
        {
            var etaChangeId = await AuditAsync(line, change);
            await QueueAsync(line, change, etaChangeId, traceParent);
            await UpdateAsync(line, request.NewEta);
        }

        var customers = changing.Select(l => l.CustomerId).Distinct().Count();
        logger.LogInformation(
            "ETA change {BatchId}: {Lines} lines of {Customers} customers to {NewEta} ({ReasonCode}) by {ChangedBy} via {Source}",
            change.BatchId, changing.Count, customers, request.NewEta?.ToString("yyyy-MM-dd") ?? "unknown", request.ReasonCode, request.ChangedBy, request.Source);
        return EtaChangeResult.Changed(changing.Count, customers, change.BatchId);
    }

    private async Task<long> AuditAsync(OrderLine line, GroupedChange change)
    {
        var request = change.Request;
        Bind<EtaChange>(insertAudit, "@id", nameof(EtaChange.OrderLineId), line.Id);
        Bind<EtaChange>(insertAudit, "@customerId", nameof(EtaChange.CustomerId), line.CustomerId);
        Bind<EtaChange>(insertAudit, "@oldEta", nameof(EtaChange.OldEta), line.Eta);
        Bind<EtaChange>(insertAudit, "@eta", nameof(EtaChange.NewEta), request.NewEta);
        Bind<EtaChange>(insertAudit, "@reasonCode", nameof(EtaChange.ReasonCode), request.ReasonCode!.Value);
        Bind<EtaChange>(insertAudit, "@reasonText", nameof(EtaChange.ReasonText), EtaChangeRules.AuditText(request.ReasonText));
        Bind<EtaChange>(insertAudit, "@source", nameof(EtaChange.Source), request.Source);
        Bind<EtaChange>(insertAudit, "@changedBy", nameof(EtaChange.ChangedBy), request.ChangedBy.Trim());
        Bind<EtaChange>(insertAudit, "@changedAt", nameof(EtaChange.ChangedAt), change.Now);
        Bind<EtaChange>(insertAudit, "@batchId", nameof(EtaChange.BatchId), change.BatchId);
        return Convert.ToInt64(await insertAudit.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
    }

    private async Task QueueAsync(OrderLine line, GroupedChange change, long etaChangeId, string? traceParent)
    {
        Bind<NotificationOutboxEntry>(insertOutbox, "@customerId", nameof(NotificationOutboxEntry.CustomerId), line.CustomerId);
        Bind<NotificationOutboxEntry>(insertOutbox, "@kind", nameof(NotificationOutboxEntry.Kind), NotificationKind.EtaChanged);
        Bind<NotificationOutboxEntry>(insertOutbox, "@id", nameof(NotificationOutboxEntry.OrderLineId), line.Id);
        Bind<NotificationOutboxEntry>(insertOutbox, "@etaChangeId", nameof(NotificationOutboxEntry.EtaChangeId), etaChangeId);
        Bind<NotificationOutboxEntry>(insertOutbox, "@changedAt", nameof(NotificationOutboxEntry.CreatedAt), change.Now);
        Bind<NotificationOutboxEntry>(insertOutbox, "@traceParent", nameof(NotificationOutboxEntry.TraceParent), traceParent);
        await insertOutbox.ExecuteNonQueryAsync();
    }

    private async Task UpdateAsync(OrderLine line, DateOnly? newEta)
    {
        // Both rules read the line as it was before this change, as the set-based UPDATE's right-hand sides do.
        var consentRequired = DelayConsent.IsRequiredAfter(line, newEta);
        var resetAnswer = DelayConsent.IsLater(line.Eta, newEta);
        Bind<OrderLine>(updateLine, "@eta", nameof(OrderLine.Eta), newEta);
        Bind<OrderLine>(updateLine, "@consentRequired", nameof(OrderLine.ConsentRequired), consentRequired);
        Bind<OrderLine>(updateLine, "@resetAnswer", nameof(OrderLine.ConsentRequired), resetAnswer);
        Bind<OrderLine>(updateLine, "@noAnswer", nameof(OrderLine.CustomerResponse), CustomerResponse.None);
        Bind<OrderLine>(updateLine, "@id", nameof(OrderLine.Id), line.Id);
        Bind<OrderLine>(updateLine, "@version", nameof(OrderLine.Version), line.Version);
        if (await updateLine.ExecuteNonQueryAsync() != 1)
        {
            // Impossible while the group holds the write lock; if it happens, the group must not commit.
            throw new InvalidOperationException($"Order line {line.Id} was not at version {line.Version} inside its group's transaction.");
        }
        (line.Version, line.Eta, line.ConsentRequired) = (line.Version + 1, newEta, consentRequired);
        if (resetAnswer)
        {
            line.CustomerResponse = CustomerResponse.None;
        }
    }

    /// <summary>
    /// Sets a parameter to <paramref name="value"/> as the column's own EF type mapping stores it (on SQLite a
    /// DateTimeOffset becomes ticks, a Guid upper-case text), so the rows equal those EF writes. The command keeps its
    /// prepared statement; only the values change.
    /// </summary>
    private void Bind<TEntity>(DbCommand command, string name, string property, object? value, Type? providerType = null)
    {
        var mapping = providerType is null
            ? db.Model.FindEntityType(typeof(TEntity))!.FindProperty(property)!.GetRelationalTypeMapping()
            : db.GetService<IRelationalTypeMappingSource>().FindMapping(providerType)!;
        var index = command.Parameters.IndexOf(name);
        if (index >= 0)
        {
            command.Parameters.RemoveAt(index);
        }
        command.Parameters.Add(mapping.CreateParameter(command, name, value, nullable: true));
    }

    public void Dispose()
    {
        updateLine.Dispose();
        insertAudit.Dispose();
        insertOutbox.Dispose();
    }
}
