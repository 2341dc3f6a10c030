using Microsoft.Data.Sqlite;

namespace BacklogPortal.QueryBenchmarks;

/// <summary>
/// Fills a migrated database with raw prepared INSERTs in one transaction (EF change tracking would
/// take minutes for a million rows). Customer 1 gets the measured backlog; the rest is spread
/// over 20,000 other customers, a fifth of it shipped.
/// </summary>
internal static class BacklogGenerator
{
    public const int MeasuredCustomerId = 1;
    private const int Customers = 20_000;
    private const int Products = 2_000;
    private const int LinesPerOrder = 5;

    public static async Task GenerateAsync(string connectionString, int totalLines, int customerLines)
    {
        await using var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync();
        await Execute(connection, "PRAGMA journal_mode=WAL; PRAGMA synchronous=OFF;");
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync();
        var random = new Random(42);
        var today = DateOnly.FromDateTime(DateTime.UtcNow);

        var customer = Prepared(connection, transaction,
            "INSERT INTO Customers (Id, Number, Name, NotificationPreference, Culture, TimeZoneId) VALUES ($id, $number, $name, 0, 'en-US', 'UTC')",
            "$id", "$number", "$name");
        for (var id = 1; id <= Customers; id++)
        {
            await Run(customer, id, $"C{id:D6}", $"Customer {id}");
        }

        var product = Prepared(connection, transaction,
            "INSERT INTO Products (Id, Sku, Name, UnitPrice) VALUES ($id, $sku, $name, $price)",
            "$id", "$sku", "$name", "$price");
        for (var id = 1; id <= Products; id++)
        {
            await Run(product, id, $"SKU-{id:D5}", $"Product {id}", 10.0 + id % 500);
        }

        var order = Prepared(connection, transaction,
            "INSERT INTO Orders (Id, OrderNumber, CustomerId, OrderDate) VALUES ($id, $number, $customer, $date)",
            "$id", "$number", "$customer", "$date");
        var line = Prepared(connection, transaction,
            """
            INSERT INTO OrderLines (OrderId, CustomerId, LineNumber, ProductId, Kind, QuantityOrdered, QuantityShipped,
                QuantityCancelled, UnitPrice, PromisedDate, Eta, EtaChangeCount, Status, ConsentRequired, CustomerResponse, Version)
            VALUES ($order, $customer, $number, $product, $kind, 4, $shipped, 0, 19.5, $promised, $eta, 0, $status, $consent, 0, 0)
            """,
            "$order", "$customer", "$number", "$product", "$kind", "$shipped", "$promised", "$eta", "$status", "$consent");

        var orders = totalLines / LinesPerOrder;
        var measuredOrders = customerLines / LinesPerOrder;
        for (var id = 1; id <= orders; id++)
        {
            var customerId = id <= measuredOrders ? MeasuredCustomerId : 2 + random.Next(Customers - 1);
            var orderDate = today.AddDays(-random.Next(1, 200));
            await Run(order, id, $"SO-{id:D7}", customerId, orderDate.ToString("yyyy-MM-dd"));
            for (var number = 1; number <= LinesPerOrder; number++)
            {
                var shipped = customerId != MeasuredCustomerId && random.Next(5) == 0;
                var promised = orderDate.AddDays(random.Next(7, 60));
                object eta = random.Next(20) == 0 ? DBNull.Value : promised.AddDays(random.Next(-5, 40)).ToString("yyyy-MM-dd");
                // One line in 40 waits for the customer's decision (the "awaiting my decision" filter).
                await Run(line, id, customerId, number, 1 + random.Next(Products), random.Next(4) == 0 ? 1 : 0,
                    shipped ? 4 : 0, promised.ToString("yyyy-MM-dd"), eta, shipped ? 2 : 0, random.Next(40) == 0 ? 1 : 0);
            }
        }
        await transaction.CommitAsync();
        await Execute(connection, "ANALYZE;");
    }

    private static SqliteCommand Prepared(SqliteConnection connection, SqliteTransaction transaction, string sql, params string[] parameters)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var name in parameters)
        {
            command.Parameters.Add(new SqliteParameter { ParameterName = name });
        }
        command.Prepare();
        return command;
    }

    private static Task<int> Run(SqliteCommand command, params object[] values)
    {
        for (var i = 0; i < values.Length; i++)
        {
            command.Parameters[i].Value = values[i];
        }
        return command.ExecuteNonQueryAsync();
    }

    private static async Task Execute(SqliteConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }
}
