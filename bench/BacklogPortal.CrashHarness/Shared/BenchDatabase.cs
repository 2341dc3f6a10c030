using System.Globalization;
using BacklogPortal.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BacklogPortal.Bench;

/// <summary>
/// What a generated database holds: <see cref="Customers"/> customers, each with
/// <see cref="OrdersPerCustomer"/> orders that have one open line per SKU, all at <see cref="Eta"/>.
/// Customers alternate between English (New York) and German (Berlin), so both languages and two
/// time zones are rendered; each has a notification address of its own.
/// </summary>
public sealed record BenchCustomers(int Customers, int OrdersPerCustomer, IReadOnlyList<string> Skus, DateOnly Eta)
{
    public int LinesPerSku => Customers * OrdersPerCustomer;

    public static string EmailOf(int customer) => $"buyer{customer}@customers.bench";
}

/// <summary>A migrated portal database (SQLite, WAL as the portal runs it) with generated customers, orders and lines.</summary>
public static class BenchDatabase
{
    // Identity's store settings shape the model (schema version), exactly as in the app.
    private static readonly IServiceProvider IdentityModelServices =
        new ServiceCollection().Configure<IdentityOptions>(IdentityStore.Configure).BuildServiceProvider();

    public static DbContextOptions<SqlitePortalDbContext> Options(string path) => new DbContextOptionsBuilder<SqlitePortalDbContext>()
        .UseSqlite(new SqliteConnectionStringBuilder { DataSource = path, DefaultTimeout = 30, Pooling = true }.ToString(),
            sqlite => sqlite.MigrationsAssembly(typeof(PortalDbContext).Assembly.FullName))
        .UseApplicationServiceProvider(IdentityModelServices)
        .Options;

    public static SqlitePortalDbContext Open(string path) => new(Options(path));

    /// <summary>Creates the file afresh: the portal's migrations, then the generated rows in one transaction.</summary>
    public static async Task CreateAsync(string path, BenchCustomers spec)
    {
        foreach (var suffix in new[] { "", "-wal", "-shm" })
        {
            File.Delete(path + suffix);
        }
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        await using (var db = Open(path))
        {
            await db.Database.MigrateAsync();
        }
        SqliteConnection.ClearAllPools();

        await using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        await connection.OpenAsync();
        await ExecuteAsync(connection, "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;");
        await using (var transaction = (SqliteTransaction)await connection.BeginTransactionAsync())
        {
            await InsertAsync(connection, transaction, spec);
            await transaction.CommitAsync();
        }
        // The portal runs in WAL mode (DatabaseInitializer); the mode is stored in the file.
        await ExecuteAsync(connection, "ANALYZE; PRAGMA journal_mode=WAL;");
    }

    private static async Task InsertAsync(SqliteConnection connection, SqliteTransaction transaction, BenchCustomers spec)
    {
        var random = new Random(42);
        var day = spec.Eta.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

        await using var customer = Command(connection, transaction, """
            INSERT INTO "Customers" ("Id", "Number", "Name", "NotificationEmail", "NotificationPreference", "Culture", "TimeZoneId")
            VALUES ($id, $number, $name, $email, 0, $culture, $zone)
            """, "$id", "$number", "$name", "$email", "$culture", "$zone");
        for (var c = 1; c <= spec.Customers; c++)
        {
            var german = c % 2 == 0;
            await RunAsync(customer, c, $"C-{c:D6}", german ? $"Handelshaus {c} GmbH" : $"Trading Company {c} Inc.",
                BenchCustomers.EmailOf(c), german ? "de-DE" : "en-US", german ? "Europe/Berlin" : "America/New_York");
        }

        await using var product = Command(connection, transaction, """
            INSERT INTO "Products" ("Id", "Sku", "Name", "ReleaseDate", "UnitPrice") VALUES ($id, $sku, $name, NULL, $price)
            """, "$id", "$sku", "$name", "$price");
        for (var p = 0; p < spec.Skus.Count; p++)
        {
            await RunAsync(product, p + 1, spec.Skus[p], $"Cordless drill, model {p + 1} ({spec.Skus[p]})", 49.0 + p);
        }

        await using var order = Command(connection, transaction, """
            INSERT INTO "Orders" ("Id", "OrderNumber", "CustomerId", "OrderDate") VALUES ($id, $number, $customer, $date)
            """, "$id", "$number", "$customer", "$date");
        await using var line = Command(connection, transaction, """
            INSERT INTO "OrderLines" ("OrderId", "CustomerId", "LineNumber", "ProductId", "Kind", "QuantityOrdered", "QuantityShipped",
                "QuantityCancelled", "UnitPrice", "PromisedDate", "Eta", "EtaChangeCount", "Status", "ConsentRequired", "CustomerResponse",
                "CustomerRespondedAt", "CustomerRespondedBy", "Version")
            VALUES ($order, $customer, $number, $product, 0, $ordered, 0, 0, $price, $eta, $eta, 0, 0, 0, 0, NULL, NULL, 0)
            """, "$order", "$customer", "$number", "$product", "$ordered", "$price", "$eta");
        var orderId = 0;
        for (var c = 1; c <= spec.Customers; c++)
        {
            for (var o = 0; o < spec.OrdersPerCustomer; o++)
            {
                orderId++;
                var orderDate = spec.Eta.AddDays(-random.Next(20, 200)).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
                await RunAsync(order, orderId, $"SO-{orderId:D7}", c, orderDate);
                for (var p = 0; p < spec.Skus.Count; p++)
                {
                    await RunAsync(line, orderId, c, p + 1, p + 1, random.Next(1, 20), 49.0 + p, day);
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
