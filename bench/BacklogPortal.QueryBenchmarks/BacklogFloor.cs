using BacklogPortal.Backlog;
using Microsoft.Data.Sqlite;

namespace BacklogPortal.QueryBenchmarks;

/// <summary>
/// The floor of a backlog page: the same page — the matching count and totals, and the 50 rows with their order and
/// product — as ONE hand-written SQL statement on a bare connection of the same file, without EF Core.
/// </summary>
internal sealed class BacklogFloor(string connectionString)
{
    public async Task<int> RunAsync(int customerId, BacklogView view, DateOnly today)
    {
        var where = "l.CustomerId = $customer AND l.Status IN (0, 1)";
        if (view.Kind is { } kind)
        {
            where += $" AND l.Kind = {(int)kind}";
        }
        if (view.OverdueOnly)
        {
            where += " AND l.Eta IS NOT NULL AND l.Eta < $today";
        }
        if (view.AwaitingDecisionOnly)
        {
            where += " AND l.ConsentRequired AND l.CustomerResponse = 0";
        }
        if (!string.IsNullOrWhiteSpace(view.Search))
        {
            where += @" AND (o.OrderNumber LIKE $pattern ESCAPE '\' OR p.Sku LIKE $pattern ESCAPE '\' OR p.Name LIKE $pattern ESCAPE '\')";
        }
        var direction = view.Descending ? "DESC" : "ASC";
        var order = view.Sort switch
        {
            BacklogSort.OrderNumber => $"o.OrderNumber {direction}, l.LineNumber",
            BacklogSort.Status => $"CASE WHEN l.ConsentRequired AND l.CustomerResponse = 0 THEN 0 WHEN l.Eta IS NOT NULL AND l.Eta < $today THEN 1 WHEN l.Status = 1 THEN 2 WHEN l.Eta IS NULL THEN 3 ELSE 4 END {direction}, l.Id",
            _ => $"l.Eta IS NULL, l.Eta {direction}, l.Id",
        };
        await using var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = $"""
            WITH matching AS (
                SELECT l.Id, l.LineNumber, l.Kind, l.QuantityOrdered, l.QuantityShipped, l.QuantityCancelled, l.UnitPrice,
                       l.PromisedDate, l.Eta, l.EtaChangeCount, l.Status, l.ConsentRequired, l.CustomerResponse,
                       o.OrderNumber, o.OrderDate, p.Sku, p.Name
                FROM OrderLines l JOIN Orders o ON o.Id = l.OrderId JOIN Products p ON p.Id = l.ProductId
                WHERE {where})
            SELECT m.*, t.Lines, t.Units, t.Value
            FROM (SELECT COUNT(*) AS Lines, SUM(QuantityOrdered - QuantityShipped - QuantityCancelled) AS Units,
                         SUM((QuantityOrdered - QuantityShipped - QuantityCancelled) * UnitPrice) AS Value FROM matching) t
            LEFT JOIN (SELECT * FROM matching l ORDER BY {order.Replace("o.", "", StringComparison.Ordinal).Replace("p.", "", StringComparison.Ordinal)} LIMIT $take OFFSET $skip) m ON 1 = 1
            """;
        command.Parameters.AddWithValue("$customer", customerId);
        command.Parameters.AddWithValue("$today", today.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
        command.Parameters.AddWithValue("$pattern", Domain.TextSearch.ContainsPattern(view.Search ?? ""));
        command.Parameters.AddWithValue("$take", view.PageSize);
        command.Parameters.AddWithValue("$skip", view.Skip);
        var rows = 0;
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            if (!reader.IsDBNull(0))
            {
                rows++;
            }
        }
        return rows;
    }
}
