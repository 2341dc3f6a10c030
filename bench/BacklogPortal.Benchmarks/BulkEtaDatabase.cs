using System.Diagnostics;
using System.Globalization;
using BacklogPortal.Data;
using BacklogPortal.Domain;
using Microsoft.AspNetCore.Identity;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using Microsoft.Extensions.DependencyInjection;

namespace BacklogPortal.Benchmarks;

/// <summary>
/// A portal database of realistic shape and size, made once and copied for every measured run:
/// customers, products, orders, lines (most open, some shipped or cancelled), an ETA history and a
/// processed outbox. One SKU (<see cref="HotSku"/>) has the bulk change's open lines.
/// </summary>
internal sealed record BulkEtaDatabase(int Lines, int HotLines, int HotCustomers)
{
    public const string HotSku = "BENCH-HOT-01";

    public const int LinesPerOrder = 5;
    public const int OrdersPerCustomer = 10;
    public const int Products = 1_000;

    /// <summary>The promised date and current ETA of every hot line; the benchmark moves them.</summary>
    public static readonly DateOnly HotEta = new(2027, 6, 1);

    public int Customers => Lines / (LinesPerOrder * OrdersPerCustomer);

    /// <summary>Print every SQL statement with its duration (<c>--verbose true</c>).</summary>
    public static bool Verbose { get; set; }

    public static DbContextOptions<SqlitePortalDbContext> Options(string path) => new DbContextOptionsBuilder<SqlitePortalDbContext>()
        .LogTo(message => { if (Verbose) { Console.WriteLine(message); } }, [RelationalEventId.CommandExecuted, RelationalEventId.TransactionCommitted])
        .UseSqlite(new SqliteConnectionStringBuilder { DataSource = path, DefaultTimeout = 30, Pooling = true }.ToString(),
            sqlite => sqlite.MigrationsAssembly(typeof(PortalDbContext).Assembly.FullName))
        // Identity's store settings shape the model (schema version), exactly as in the app.
        .UseApplicationServiceProvider(new ServiceCollection().Configure<IdentityOptions>(IdentityStore.Configure).BuildServiceProvider())
        .Options;

    public async Task CreateAsync(string path)
    {
        if (HotLines % OrdersPerCustomer != 0 || HotLines / OrdersPerCustomer != HotCustomers || HotCustomers * 2 > Customers)
        {
            throw new ArgumentException("The hot SKU takes line 1 of every order of the first HotCustomers customers: HotLines = HotCustomers × 10, and at most half the customers.");
        }
        var watch = Stopwatch.StartNew();
        File.Delete(path);
        await using (var db = new SqlitePortalDbContext(Options(path)))
        {
            await db.Database.MigrateAsync();
        }
        SqliteConnection.ClearAllPools();

        await using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        await connection.OpenAsync();
        await ExecuteAsync(connection, "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; PRAGMA cache_size=-400000;");
        await using (var transaction = (SqliteTransaction)await connection.BeginTransactionAsync())
        {
            await InsertAsync(connection, transaction);
            await transaction.CommitAsync();
        }
        // The portal runs in WAL mode (DatabaseInitializer); the mode is stored in the file.
        await ExecuteAsync(connection, "ANALYZE; PRAGMA journal_mode=WAL;");
        Console.WriteLine($"Generated {Lines:N0} lines in {watch.Elapsed.TotalSeconds:F1} s: {path} ({new FileInfo(path).Length / 1_048_576:N0} MiB)");
    }

    private async Task InsertAsync(SqliteConnection connection, SqliteTransaction transaction)
    {
        var random = new Random(42);
        var toTicks = new DateTimeOffsetToBinaryConverter();
        var now = new DateTimeOffset(2027, 1, 15, 12, 0, 0, TimeSpan.Zero);
        static string Day(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

        await using var customer = Command(connection, transaction, """
            INSERT INTO "Customers" ("Id", "Number", "Name", "NotificationEmail", "NotificationPreference", "Culture", "TimeZoneId")
            VALUES ($id, $number, $name, $email, 0, 'en-US', 'UTC')
            """, "$id", "$number", "$name", "$email");
        for (var c = 1; c <= Customers; c++)
        {
            await RunAsync(customer, c, $"B-{c:D7}", $"Bench customer {c}", $"buyer{c}@example.com");
        }

        await using var product = Command(connection, transaction, """
            INSERT INTO "Products" ("Id", "Sku", "Name", "ReleaseDate", "UnitPrice") VALUES ($id, $sku, $name, NULL, $price)
            """, "$id", "$sku", "$name", "$price");
        await RunAsync(product, 1, HotSku, "Hot product under a supplier delay", 49.0);
        for (var p = 2; p <= Products; p++)
        {
            await RunAsync(product, p, $"BENCH-{p:D4}", $"Bench product {p}", 10.0 + p % 400);
        }

        await using var order = Command(connection, transaction, """
            INSERT INTO "Orders" ("Id", "OrderNumber", "CustomerId", "OrderDate") VALUES ($id, $number, $customer, $date)
            """, "$id", "$number", "$customer", "$date");
        await using var line = Command(connection, transaction, """
            INSERT INTO "OrderLines" ("Id", "OrderId", "CustomerId", "LineNumber", "ProductId", "Kind", "QuantityOrdered", "QuantityShipped",
                "QuantityCancelled", "UnitPrice", "PromisedDate", "Eta", "EtaChangeCount", "Status", "ConsentRequired", "CustomerResponse",
                "CustomerRespondedAt", "CustomerRespondedBy", "Version")
            VALUES ($id, $order, $customer, $number, $product, 0, $ordered, $shipped, $cancelled, $price, $promised, $eta, $moves, $status, 0, 0, NULL, NULL, 0)
            """, "$id", "$order", "$customer", "$number", "$product", "$ordered", "$shipped", "$cancelled", "$price", "$promised", "$eta", "$moves", "$status");
        await using var history = Command(connection, transaction, """
            INSERT INTO "EtaChanges" ("OrderLineId", "CustomerId", "OldEta", "NewEta", "ReasonCode", "ReasonText", "Source", "ChangedBy", "ChangedAt", "BatchId")
            VALUES ($line, $customer, $old, $new, 1, 'Supplier shipment rescheduled', 0, 'staff@example.com', $at, NULL)
            """, "$line", "$customer", "$old", "$new", "$at");
        await using var outbox = Command(connection, transaction, """
            INSERT INTO "NotificationOutbox" ("CustomerId", "Kind", "OrderLineId", "EtaChangeId", "CreatedAt", "ProcessedAt", "NotificationId")
            VALUES ($customer, 0, $line, last_insert_rowid(), $at, $at, NULL)
            """, "$customer", "$line", "$at");

        var lineId = 0;
        var orderId = 0;
        for (var c = 1; c <= Customers; c++)
        {
            for (var o = 0; o < OrdersPerCustomer; o++)
            {
                orderId++;
                var orderDate = HotEta.AddDays(-random.Next(20, 200));
                await RunAsync(order, orderId, $"BO-{orderId:D8}", c, Day(orderDate));
                for (var n = 1; n <= LinesPerOrder; n++)
                {
                    lineId++;
                    // Line 1 of each order of the first HotCustomers customers is the hot SKU, open; the
                    // next HotCustomers customers have it shipped, so the change must skip those.
                    var hot = n == 1 && c <= 2 * HotCustomers;
                    var productId = hot ? 1 : random.Next(2, Products + 1);
                    var status = hot
                        ? (c <= HotCustomers ? LineStatus.Open : LineStatus.Shipped)
                        : random.NextDouble() switch { < 0.70 => LineStatus.Open, < 0.78 => LineStatus.PartiallyShipped, < 0.95 => LineStatus.Shipped, _ => LineStatus.Cancelled };
                    var ordered = random.Next(1, 20);
                    var promised = hot ? HotEta : orderDate.AddDays(random.Next(7, 90));
                    DateOnly? eta = hot ? HotEta : random.NextDouble() < 0.05 ? null : promised.AddDays(random.Next(-5, 40));
                    var moves = hot ? 0 : random.Next(0, 3);
                    await RunAsync(line, lineId, orderId, c, n, productId, ordered,
                        status switch { LineStatus.Shipped => ordered, LineStatus.PartiallyShipped => ordered / 2, _ => 0 },
                        status == LineStatus.Cancelled ? ordered : 0,
                        10.0 + productId % 400, Day(promised), eta is { } e ? Day(e) : null, moves, (int)status);
                    for (var m = 0; m < moves; m++)
                    {
                        var at = toTicks.ConvertToProvider(now.AddDays(-random.Next(1, 120)));
                        await RunAsync(history, lineId, c, Day(promised), eta is { } e2 ? Day(e2) : null, at);
                        await RunAsync(outbox, c, lineId, at);
                    }
                }
            }
        }
    }

    private static SqliteCommand Command(SqliteConnection connection, SqliteTransaction transaction, string sql, params string[] names)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var name in names)
        {
            command.Parameters.Add(new SqliteParameter { ParameterName = name });
        }
        command.Prepare();
        return command;
    }

    private static async Task RunAsync(SqliteCommand command, params object?[] values)
    {
        for (var i = 0; i < values.Length; i++)
        {
            command.Parameters[i].Value = values[i] ?? DBNull.Value;
        }
        await command.ExecuteNonQueryAsync();
    }

    private static async Task ExecuteAsync(SqliteConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }
}
