using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace BacklogPortal.QueryBenchmarks;

/// <summary>
/// The dashboard's figures as hand-written SQL on bare connections, side by side as the portal runs them:
/// <see cref="RunAsync"/> reads the same running totals as the portal (the floor), <see cref="RecomputeAsync"/>
/// computes the figures again from every line and change (the check that the totals are true).
/// </summary>
internal sealed class DashboardFloor(string connectionString, DateOnly today)
{
    public sealed record Check(int OpenLines, int Units, int Overdue, int Awaiting, int LateLines, int WorstDays, int TopUnits, int Customers, int TrendLines);

    public async Task<int> RunAsync()
    {
        string Day(int offset) => today.AddDays(offset).ToString("yyyy-MM-dd");
        var recent = Encode(today.AddDays(-6));
        var queries = new[]
        {
            "SELECT Kind, SUM(Lines), SUM(Units), SUM(ValueCents), SUM(AwaitingDecision) FROM BacklogProductFigures GROUP BY Kind",
            $"""
            SELECT Kind, SUM(CASE WHEN Eta < '{Day(0)}' THEN Lines ELSE 0 END), SUM(CASE WHEN LateDays > 0 THEN Lines ELSE 0 END),
                   SUM(LateDays * Lines), MAX(CASE WHEN LateDays > 0 THEN LateDays END)
            FROM BacklogEtaFigures WHERE Lines > 0 GROUP BY Kind
            """,
            """
            SELECT (SELECT COUNT(DISTINCT CustomerId) FROM BacklogCustomerFigures WHERE Lines > 0), Kind, COUNT(*)
            FROM BacklogCustomerFigures WHERE Lines > 0 GROUP BY Kind
            """,
            $"""
            SELECT CASE WHEN OrderDate >= '{Day(-7)}' THEN 0 WHEN OrderDate >= '{Day(-30)}' THEN 1 WHEN OrderDate >= '{Day(-60)}' THEN 2 ELSE 3 END AS Bucket,
                   SUM(Lines), SUM(Units)
            FROM BacklogOrderDateFigures GROUP BY Bucket
            """,
            """
            SELECT p.Sku, p.Name, t.Lines, t.Units FROM (
                SELECT ProductId, SUM(Lines) AS Lines, SUM(Units) AS Units FROM BacklogProductFigures
                GROUP BY ProductId HAVING SUM(Lines) > 0 ORDER BY Units DESC, ProductId LIMIT 10) t
            JOIN Products p ON p.Id = t.ProductId ORDER BY t.Units DESC, t.ProductId
            """,
            $"""
            SELECT CustomerResponse, COUNT(*), 0 FROM OrderLines WHERE CustomerRespondedAt >= {recent} AND CustomerResponse <> 0 GROUP BY CustomerResponse
            UNION ALL
            SELECT 10 + Source, COUNT(*), COUNT(DISTINCT OrderLineId) FROM EtaChanges WHERE ChangedAt >= {recent} GROUP BY Source
            """,
            $"SELECT * FROM EtaChangeDayFigures WHERE Day >= '{Day(-83)}'",
        };
        var results = await Task.WhenAll(queries.Select(Scalars));
        return results.Sum(rows => rows.Count);
    }

    private static long Encode(DateOnly day) =>
        (long)new DateTimeOffsetToBinaryConverter().ConvertToProvider(new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero))!;

    public async Task<Check> RecomputeAsync()
    {
        var binary = new DateTimeOffsetToBinaryConverter();
        long Encode(DateOnly day) => (long)binary.ConvertToProvider(new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero))!;
        string Day(int offset) => today.AddDays(offset).ToString("yyyy-MM-dd");
        var recent = Encode(today.AddDays(-6));
        var trendStart = today.AddDays(-83);

        var byKind = Scalars($"""
            SELECT Kind, COUNT(*), SUM(QuantityOrdered - QuantityShipped - QuantityCancelled),
                   SUM(UnitPrice * (QuantityOrdered - QuantityShipped - QuantityCancelled)),
                   SUM(Eta IS NOT NULL AND Eta < '{Day(0)}'), SUM(ConsentRequired AND CustomerResponse = 0),
                   SUM(julianday(Eta) - julianday(PromisedDate) > 0),
                   SUM(MAX(julianday(Eta) - julianday(PromisedDate), 0)), MAX(julianday(Eta) - julianday(PromisedDate))
            FROM OrderLines WHERE Status IN (0, 1) GROUP BY Kind
            """);
        var customers = Scalars("""
            SELECT (SELECT COUNT(DISTINCT CustomerId) FROM OrderLines WHERE Status IN (0, 1)),
                   (SELECT COUNT(*) FROM Customers c WHERE EXISTS (SELECT 1 FROM OrderLines l WHERE l.CustomerId = c.Id AND l.Status IN (0, 1) AND l.Kind = 0)),
                   (SELECT COUNT(*) FROM Customers c WHERE EXISTS (SELECT 1 FROM OrderLines l WHERE l.CustomerId = c.Id AND l.Status IN (0, 1) AND l.Kind = 1))
            """);
        var aging = Scalars($"""
            SELECT CASE WHEN o.OrderDate >= '{Day(-7)}' THEN 0 WHEN o.OrderDate >= '{Day(-30)}' THEN 1 WHEN o.OrderDate >= '{Day(-60)}' THEN 2 ELSE 3 END AS Bucket,
                   COUNT(*), SUM(l.QuantityOrdered - l.QuantityShipped - l.QuantityCancelled)
            FROM OrderLines l JOIN Orders o ON o.Id = l.OrderId WHERE l.Status IN (0, 1) GROUP BY Bucket
            """);
        var topSkus = Scalars("""
            SELECT p.Sku, p.Name, t.Lines, t.Units FROM (
                SELECT ProductId, COUNT(*) AS Lines, SUM(QuantityOrdered - QuantityShipped - QuantityCancelled) AS Units
                FROM OrderLines WHERE Status IN (0, 1) GROUP BY ProductId ORDER BY Units DESC, ProductId LIMIT 10) t
            JOIN Products p ON p.Id = t.ProductId ORDER BY t.Units DESC, t.ProductId
            """);
        var recentActivity = Scalars($"""
            SELECT CustomerResponse, COUNT(*), 0 FROM OrderLines WHERE CustomerRespondedAt >= {recent} AND CustomerResponse <> 0 GROUP BY CustomerResponse
            UNION ALL
            SELECT 10 + Source, COUNT(*), COUNT(DISTINCT OrderLineId) FROM EtaChanges WHERE ChangedAt >= {recent} GROUP BY Source
            """);
        var weekBounds = string.Join(" ", Enumerable.Range(1, 11).Reverse().Select(i => $"WHEN c.ChangedAt >= {Encode(trendStart.AddDays(7 * i))} THEN {i}"));
        var trend = Scalars($"""
            SELECT CASE {weekBounds} ELSE 0 END AS Week, COUNT(DISTINCT c.OrderLineId),
                   AVG(julianday(c.NewEta) - julianday(l.PromisedDate)), MAX(julianday(c.NewEta) - julianday(l.PromisedDate))
            FROM EtaChanges c JOIN OrderLines l ON l.Id = c.OrderLineId
            WHERE c.ChangedAt >= {Encode(trendStart)} GROUP BY Week
            """);
        await Task.WhenAll(byKind, customers, aging, topSkus, recentActivity, trend);
        var kinds = await byKind;
        return new Check(
            kinds.Sum(k => Convert.ToInt32(k[1])),
            kinds.Sum(k => Convert.ToInt32(k[2])),
            kinds.Sum(k => Convert.ToInt32(k[4])),
            kinds.Sum(k => Convert.ToInt32(k[5])),
            kinds.Sum(k => Convert.ToInt32(k[6])),
            kinds.Max(k => k[8] is DBNull ? 0 : Convert.ToInt32(k[8])),
            Convert.ToInt32((await topSkus)[0][3]),
            Convert.ToInt32((await customers)[0][0]),
            (await trend).Sum(w => Convert.ToInt32(w[1])));
    }

    private Task<List<object[]>> Scalars(string sql) => Task.Run(async () =>
    {
        await using var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<object[]>();
        while (await reader.ReadAsync())
        {
            var row = new object[reader.FieldCount];
            reader.GetValues(row);
            rows.Add(row);
        }
        return rows;
    });
}
