using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace BacklogPortal.Data.Migrations.SqlServer
{
    /// <inheritdoc />
    public partial class AddBacklogFigures : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_OrderLines_CustomerRespondedAt",
                table: "OrderLines");

            migrationBuilder.DropIndex(
                name: "IX_EtaChanges_ChangedAt_Source",
                table: "EtaChanges");

            migrationBuilder.CreateTable(
                name: "BacklogCustomerFigures",
                columns: table => new
                {
                    CustomerId = table.Column<int>(type: "int", nullable: false),
                    Kind = table.Column<int>(type: "int", nullable: false),
                    Lines = table.Column<int>(type: "int", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_BacklogCustomerFigures", x => new { x.CustomerId, x.Kind });
                });

            migrationBuilder.CreateTable(
                name: "BacklogEtaFigures",
                columns: table => new
                {
                    Eta = table.Column<DateOnly>(type: "date", nullable: false),
                    LateDays = table.Column<int>(type: "int", nullable: false),
                    Kind = table.Column<int>(type: "int", nullable: false),
                    Lines = table.Column<int>(type: "int", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_BacklogEtaFigures", x => new { x.Eta, x.LateDays, x.Kind });
                });

            migrationBuilder.CreateTable(
                name: "BacklogOrderDateFigures",
                columns: table => new
                {
                    OrderDate = table.Column<DateOnly>(type: "date", nullable: false),
                    Kind = table.Column<int>(type: "int", nullable: false),
                    Lines = table.Column<int>(type: "int", nullable: false),
                    Units = table.Column<int>(type: "int", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_BacklogOrderDateFigures", x => new { x.OrderDate, x.Kind });
                });

            migrationBuilder.CreateTable(
                name: "BacklogProductFigures",
                columns: table => new
                {
                    ProductId = table.Column<int>(type: "int", nullable: false),
                    Kind = table.Column<int>(type: "int", nullable: false),
                    Lines = table.Column<int>(type: "int", nullable: false),
                    Units = table.Column<int>(type: "int", nullable: false),
                    ValueCents = table.Column<long>(type: "bigint", nullable: false),
                    AwaitingDecision = table.Column<int>(type: "int", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_BacklogProductFigures", x => new { x.ProductId, x.Kind });
                    table.ForeignKey(
                        name: "FK_BacklogProductFigures_Products_ProductId",
                        column: x => x.ProductId,
                        principalTable: "Products",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "EtaChangeDayFigures",
                columns: table => new
                {
                    Day = table.Column<DateOnly>(type: "date", nullable: false),
                    DaysSincePrevious = table.Column<int>(type: "int", nullable: false),
                    Changes = table.Column<int>(type: "int", nullable: false),
                    DatedChanges = table.Column<int>(type: "int", nullable: false),
                    SlipDays = table.Column<long>(type: "bigint", nullable: false),
                    WorstSlipDays = table.Column<int>(type: "int", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_EtaChangeDayFigures", x => new { x.Day, x.DaysSincePrevious });
                });

            migrationBuilder.CreateIndex(
                name: "IX_OrderLines_CustomerRespondedAt_CustomerResponse",
                table: "OrderLines",
                columns: new[] { "CustomerRespondedAt", "CustomerResponse" });

            migrationBuilder.CreateIndex(
                name: "IX_EtaChanges_ChangedAt_Source_OrderLineId",
                table: "EtaChanges",
                columns: new[] { "ChangedAt", "Source", "OrderLineId" });

            // Decision 016: triggers keep the figures in the same transaction as every write to a line.
            // SQL Server's triggers see a statement's rows at once (inserted / deleted), so each figure
            // table gets one set-based MERGE of what the statement added less what it took away; rows
            // whose net change is nothing (an ETA change, for the product figures) are not touched.
            migrationBuilder.Sql(Exec($"""
                CREATE TRIGGER [TR_OrderLines_BacklogFigures] ON [OrderLines] AFTER INSERT, UPDATE, DELETE AS
                BEGIN
                    SET NOCOUNT ON;
                    IF NOT EXISTS (SELECT 1 FROM inserted) AND NOT EXISTS (SELECT 1 FROM deleted) RETURN;

                    WITH delta AS (
                        SELECT [ProductId], [Kind], 1 AS [Lines], {Units("i")} AS [Units], {Cents("i")} AS [ValueCents], {Awaiting("i")} AS [AwaitingDecision]
                        FROM inserted AS i WHERE {Open("i")}
                        UNION ALL
                        SELECT [ProductId], [Kind], -1, -{Units("d")}, -{Cents("d")}, -{Awaiting("d")}
                        FROM deleted AS d WHERE {Open("d")}),
                    net AS (
                        SELECT [ProductId], [Kind], SUM([Lines]) AS [Lines], SUM([Units]) AS [Units], SUM([ValueCents]) AS [ValueCents],
                            SUM([AwaitingDecision]) AS [AwaitingDecision]
                        FROM delta GROUP BY [ProductId], [Kind]
                        HAVING SUM([Lines]) <> 0 OR SUM([Units]) <> 0 OR SUM([ValueCents]) <> 0 OR SUM([AwaitingDecision]) <> 0)
                    MERGE [BacklogProductFigures] WITH (HOLDLOCK) AS f
                    USING net AS n ON f.[ProductId] = n.[ProductId] AND f.[Kind] = n.[Kind]
                    WHEN MATCHED THEN UPDATE SET [Lines] = f.[Lines] + n.[Lines], [Units] = f.[Units] + n.[Units],
                        [ValueCents] = f.[ValueCents] + n.[ValueCents], [AwaitingDecision] = f.[AwaitingDecision] + n.[AwaitingDecision]
                    WHEN NOT MATCHED THEN INSERT ([ProductId], [Kind], [Lines], [Units], [ValueCents], [AwaitingDecision])
                        VALUES (n.[ProductId], n.[Kind], n.[Lines], n.[Units], n.[ValueCents], n.[AwaitingDecision]);

                    WITH delta AS (
                        SELECT o.[OrderDate], i.[Kind], 1 AS [Lines], {Units("i")} AS [Units]
                        FROM inserted AS i JOIN [Orders] AS o ON o.[Id] = i.[OrderId] WHERE {Open("i")}
                        UNION ALL
                        SELECT o.[OrderDate], d.[Kind], -1, -{Units("d")}
                        FROM deleted AS d JOIN [Orders] AS o ON o.[Id] = d.[OrderId] WHERE {Open("d")}),
                    net AS (
                        SELECT [OrderDate], [Kind], SUM([Lines]) AS [Lines], SUM([Units]) AS [Units]
                        FROM delta GROUP BY [OrderDate], [Kind] HAVING SUM([Lines]) <> 0 OR SUM([Units]) <> 0)
                    {MergeOrderDates}

                    WITH delta AS (
                        SELECT [Eta], {LateDays("i")} AS [LateDays], [Kind], 1 AS [Lines]
                        FROM inserted AS i WHERE {Open("i")} AND i.[Eta] IS NOT NULL
                        UNION ALL
                        SELECT [Eta], {LateDays("d")}, [Kind], -1
                        FROM deleted AS d WHERE {Open("d")} AND d.[Eta] IS NOT NULL),
                    net AS (
                        SELECT [Eta], [LateDays], [Kind], SUM([Lines]) AS [Lines]
                        FROM delta GROUP BY [Eta], [LateDays], [Kind] HAVING SUM([Lines]) <> 0)
                    MERGE [BacklogEtaFigures] WITH (HOLDLOCK) AS f
                    USING net AS n ON f.[Eta] = n.[Eta] AND f.[LateDays] = n.[LateDays] AND f.[Kind] = n.[Kind]
                    WHEN MATCHED THEN UPDATE SET [Lines] = f.[Lines] + n.[Lines]
                    WHEN NOT MATCHED THEN INSERT ([Eta], [LateDays], [Kind], [Lines]) VALUES (n.[Eta], n.[LateDays], n.[Kind], n.[Lines]);

                    WITH delta AS (
                        SELECT [CustomerId], [Kind], 1 AS [Lines] FROM inserted AS i WHERE {Open("i")}
                        UNION ALL
                        SELECT [CustomerId], [Kind], -1 FROM deleted AS d WHERE {Open("d")}),
                    net AS (
                        SELECT [CustomerId], [Kind], SUM([Lines]) AS [Lines]
                        FROM delta GROUP BY [CustomerId], [Kind] HAVING SUM([Lines]) <> 0)
                    MERGE [BacklogCustomerFigures] WITH (HOLDLOCK) AS f
                    USING net AS n ON f.[CustomerId] = n.[CustomerId] AND f.[Kind] = n.[Kind]
                    WHEN MATCHED THEN UPDATE SET [Lines] = f.[Lines] + n.[Lines]
                    WHEN NOT MATCHED THEN INSERT ([CustomerId], [Kind], [Lines]) VALUES (n.[CustomerId], n.[Kind], n.[Lines]);
                END
                """));

            // Changes are only ever added (a line's history goes only with the line, which the portal never
            // deletes). Each change counts under its UTC day and the days since its line's previous change.
            migrationBuilder.Sql(Exec($"""
                CREATE TRIGGER [TR_EtaChanges_BacklogFigures] ON [EtaChanges] AFTER INSERT AS
                BEGIN
                    SET NOCOUNT ON;
                    IF NOT EXISTS (SELECT 1 FROM inserted) RETURN;

                    WITH delta AS (
                        SELECT {DayOf("i.[ChangedAt]")} AS [Day], p.[Previous], DATEDIFF(day, l.[PromisedDate], i.[NewEta]) AS [Slip]
                        FROM inserted AS i
                        JOIN [OrderLines] AS l ON l.[Id] = i.[OrderLineId]
                        OUTER APPLY (SELECT MAX(c.[ChangedAt]) AS [Previous] FROM [EtaChanges] AS c
                                     WHERE c.[OrderLineId] = i.[OrderLineId]
                                       AND (c.[ChangedAt] < i.[ChangedAt] OR c.[ChangedAt] = i.[ChangedAt] AND c.[Id] < i.[Id])) AS p),
                    net AS (
                        SELECT [Day], {GapDays("[Day]", "[Previous]")} AS [Gap], COUNT(*) AS [Changes], COUNT([Slip]) AS [DatedChanges],
                            COALESCE(SUM(CAST([Slip] AS bigint)), 0) AS [SlipDays], MAX([Slip]) AS [WorstSlipDays]
                        FROM delta GROUP BY [Day], {GapDays("[Day]", "[Previous]")})
                    {MergeChangeDays}
                END
                """));

            // An order's new date moves its open lines to another aging day. (The portal never deletes an
            // order; if one were deleted, its lines' cascade would no longer find its date.)
            migrationBuilder.Sql(Exec($"""
                CREATE TRIGGER [TR_Orders_BacklogFigures] ON [Orders] AFTER UPDATE AS
                BEGIN
                    SET NOCOUNT ON;
                    IF NOT UPDATE([OrderDate]) RETURN;

                    WITH delta AS (
                        SELECT i.[OrderDate], l.[Kind], 1 AS [Lines], {Units("l")} AS [Units]
                        FROM inserted AS i JOIN deleted AS d ON d.[Id] = i.[Id] JOIN [OrderLines] AS l ON l.[OrderId] = i.[Id]
                        WHERE i.[OrderDate] <> d.[OrderDate] AND {Open("l")}
                        UNION ALL
                        SELECT d.[OrderDate], l.[Kind], -1, -{Units("l")}
                        FROM inserted AS i JOIN deleted AS d ON d.[Id] = i.[Id] JOIN [OrderLines] AS l ON l.[OrderId] = i.[Id]
                        WHERE i.[OrderDate] <> d.[OrderDate] AND {Open("l")}),
                    net AS (
                        SELECT [OrderDate], [Kind], SUM([Lines]) AS [Lines], SUM([Units]) AS [Units]
                        FROM delta GROUP BY [OrderDate], [Kind] HAVING SUM([Lines]) <> 0 OR SUM([Units]) <> 0)
                    {MergeOrderDates}
                END
                """));

            // The figures of the lines already there.
            migrationBuilder.Sql($"""
                INSERT INTO [BacklogProductFigures] ([ProductId], [Kind], [Lines], [Units], [ValueCents], [AwaitingDecision])
                SELECT [ProductId], [Kind], COUNT(*), SUM({Units("l")}), SUM({Cents("l")}), SUM({Awaiting("l")})
                FROM [OrderLines] AS l WHERE {Open("l")} GROUP BY [ProductId], [Kind];
                """);
            migrationBuilder.Sql($"""
                INSERT INTO [BacklogOrderDateFigures] ([OrderDate], [Kind], [Lines], [Units])
                SELECT o.[OrderDate], l.[Kind], COUNT(*), SUM({Units("l")})
                FROM [OrderLines] AS l JOIN [Orders] AS o ON o.[Id] = l.[OrderId] WHERE {Open("l")} GROUP BY o.[OrderDate], l.[Kind];
                """);
            migrationBuilder.Sql($"""
                INSERT INTO [BacklogEtaFigures] ([Eta], [LateDays], [Kind], [Lines])
                SELECT l.[Eta], {LateDays("l")}, l.[Kind], COUNT(*)
                FROM [OrderLines] AS l WHERE {Open("l")} AND l.[Eta] IS NOT NULL GROUP BY l.[Eta], {LateDays("l")}, l.[Kind];
                """);
            migrationBuilder.Sql($"""
                INSERT INTO [BacklogCustomerFigures] ([CustomerId], [Kind], [Lines])
                SELECT [CustomerId], [Kind], COUNT(*) FROM [OrderLines] AS l WHERE {Open("l")} GROUP BY [CustomerId], [Kind];
                """);
            migrationBuilder.Sql($"""
                WITH delta AS (
                    SELECT {DayOf("c.[ChangedAt]")} AS [Day], c.[Previous], DATEDIFF(day, l.[PromisedDate], c.[NewEta]) AS [Slip]
                    FROM (SELECT *, LAG([ChangedAt]) OVER (PARTITION BY [OrderLineId] ORDER BY [ChangedAt], [Id]) AS [Previous] FROM [EtaChanges]) AS c
                    JOIN [OrderLines] AS l ON l.[Id] = c.[OrderLineId])
                INSERT INTO [EtaChangeDayFigures] ([Day], [DaysSincePrevious], [Changes], [DatedChanges], [SlipDays], [WorstSlipDays])
                SELECT [Day], {GapDays("[Day]", "[Previous]")}, COUNT(*), COUNT([Slip]), COALESCE(SUM(CAST([Slip] AS bigint)), 0), MAX([Slip])
                FROM delta GROUP BY [Day], {GapDays("[Day]", "[Previous]")};
                """);
        }

        // A line's share of the figures, written once for each alias.
        private static string Open(string row) => $"{row}.[Status] IN (0, 1)";

        private static string Units(string row) => $"({row}.[QuantityOrdered] - {row}.[QuantityShipped] - {row}.[QuantityCancelled])";

        // Unit prices are decimal(18,2): in cents they add up exactly.
        private static string Cents(string row) => $"(CAST({Units(row)} AS bigint) * CAST(ROUND({row}.[UnitPrice] * 100, 0) AS bigint))";

        private static string Awaiting(string row) => $"(CASE WHEN {row}.[ConsentRequired] = 1 AND {row}.[CustomerResponse] = 0 THEN 1 ELSE 0 END)";

        private static string LateDays(string row) =>
            $"(CASE WHEN {row}.[Eta] > {row}.[PromisedDate] THEN DATEDIFF(day, {row}.[PromisedDate], {row}.[Eta]) ELSE 0 END)";

        // CREATE TRIGGER must open its batch, and an idempotent script wraps each statement in IF NOT EXISTS:
        // as dynamic SQL it is a batch of its own either way.
        private static string Exec(string sql) => $"EXEC(N'{sql.Replace("'", "''")}');";

        private static string DayOf(string changedAt) => $"CAST(SWITCHOFFSET({changedAt}, '+00:00') AS date)";

        // Days from the previous change (an instant) to a change's day, capped at 7; 7 when there is none.
        private static string GapDays(string day, string previous) =>
            $"CASE WHEN {previous} IS NULL OR DATEDIFF(day, {DayOf(previous)}, {day}) > 7 THEN 7 ELSE DATEDIFF(day, {DayOf(previous)}, {day}) END";

        private const string MergeChangeDays = """
            MERGE [EtaChangeDayFigures] WITH (HOLDLOCK) AS f
                    USING net AS n ON f.[Day] = n.[Day] AND f.[DaysSincePrevious] = n.[Gap]
                    WHEN MATCHED THEN UPDATE SET [Changes] = f.[Changes] + n.[Changes], [DatedChanges] = f.[DatedChanges] + n.[DatedChanges],
                        [SlipDays] = f.[SlipDays] + n.[SlipDays],
                        [WorstSlipDays] = CASE WHEN n.[WorstSlipDays] IS NULL THEN f.[WorstSlipDays]
                            WHEN f.[WorstSlipDays] IS NULL OR n.[WorstSlipDays] > f.[WorstSlipDays] THEN n.[WorstSlipDays]
                            ELSE f.[WorstSlipDays] END
                    WHEN NOT MATCHED THEN INSERT ([Day], [DaysSincePrevious], [Changes], [DatedChanges], [SlipDays], [WorstSlipDays])
                        VALUES (n.[Day], n.[Gap], n.[Changes], n.[DatedChanges], n.[SlipDays], n.[WorstSlipDays]);
            """;

        private const string MergeOrderDates = """
            MERGE [BacklogOrderDateFigures] WITH (HOLDLOCK) AS f
                    USING net AS n ON f.[OrderDate] = n.[OrderDate] AND f.[Kind] = n.[Kind]
                    WHEN MATCHED THEN UPDATE SET [Lines] = f.[Lines] + n.[Lines], [Units] = f.[Units] + n.[Units]
                    WHEN NOT MATCHED THEN INSERT ([OrderDate], [Kind], [Lines], [Units]) VALUES (n.[OrderDate], n.[Kind], n.[Lines], n.[Units]);
            """;

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS [TR_OrderLines_BacklogFigures];");
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS [TR_Orders_BacklogFigures];");
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS [TR_EtaChanges_BacklogFigures];");

            migrationBuilder.DropTable(
                name: "BacklogCustomerFigures");

            migrationBuilder.DropTable(
                name: "BacklogEtaFigures");

            migrationBuilder.DropTable(
                name: "BacklogOrderDateFigures");

            migrationBuilder.DropTable(
                name: "BacklogProductFigures");

            migrationBuilder.DropTable(
                name: "EtaChangeDayFigures");

            migrationBuilder.DropIndex(
                name: "IX_OrderLines_CustomerRespondedAt_CustomerResponse",
                table: "OrderLines");

            migrationBuilder.DropIndex(
                name: "IX_EtaChanges_ChangedAt_Source_OrderLineId",
                table: "EtaChanges");

            migrationBuilder.CreateIndex(
                name: "IX_OrderLines_CustomerRespondedAt",
                table: "OrderLines",
                column: "CustomerRespondedAt");

            migrationBuilder.CreateIndex(
                name: "IX_EtaChanges_ChangedAt_Source",
                table: "EtaChanges",
                columns: new[] { "ChangedAt", "Source" });
        }
    }
}
