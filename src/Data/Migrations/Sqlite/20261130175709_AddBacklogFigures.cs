using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace BacklogPortal.Data.Migrations.Sqlite
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
                    CustomerId = table.Column<int>(type: "INTEGER", nullable: false),
                    Kind = table.Column<int>(type: "INTEGER", nullable: false),
                    Lines = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_BacklogCustomerFigures", x => new { x.CustomerId, x.Kind });
                });

            migrationBuilder.CreateTable(
                name: "BacklogEtaFigures",
                columns: table => new
                {
                    Eta = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    LateDays = table.Column<int>(type: "INTEGER", nullable: false),
                    Kind = table.Column<int>(type: "INTEGER", nullable: false),
                    Lines = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_BacklogEtaFigures", x => new { x.Eta, x.LateDays, x.Kind });
                });

            migrationBuilder.CreateTable(
                name: "BacklogOrderDateFigures",
                columns: table => new
                {
                    OrderDate = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    Kind = table.Column<int>(type: "INTEGER", nullable: false),
                    Lines = table.Column<int>(type: "INTEGER", nullable: false),
                    Units = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_BacklogOrderDateFigures", x => new { x.OrderDate, x.Kind });
                });

            migrationBuilder.CreateTable(
                name: "BacklogProductFigures",
                columns: table => new
                {
                    ProductId = table.Column<int>(type: "INTEGER", nullable: false),
                    Kind = table.Column<int>(type: "INTEGER", nullable: false),
                    Lines = table.Column<int>(type: "INTEGER", nullable: false),
                    Units = table.Column<int>(type: "INTEGER", nullable: false),
                    ValueCents = table.Column<long>(type: "INTEGER", nullable: false),
                    AwaitingDecision = table.Column<int>(type: "INTEGER", nullable: false)
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
                    Day = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    DaysSincePrevious = table.Column<int>(type: "INTEGER", nullable: false),
                    Changes = table.Column<int>(type: "INTEGER", nullable: false),
                    DatedChanges = table.Column<int>(type: "INTEGER", nullable: false),
                    SlipDays = table.Column<long>(type: "INTEGER", nullable: false),
                    WorstSlipDays = table.Column<int>(type: "INTEGER", nullable: true)
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
            // SQLite has row triggers only, so each table gets its own insert, update and delete trigger,
            // and an update trigger fires only when a column its figures depend on really changed (an
            // ETA change touches the ETA figures alone).
            foreach (var statement in CreateTriggers)
            {
                migrationBuilder.Sql(statement);
            }

            // The figures of the lines already there.
            migrationBuilder.Sql($"""
                INSERT INTO "BacklogProductFigures" ("ProductId", "Kind", "Lines", "Units", "ValueCents", "AwaitingDecision")
                SELECT "ProductId", "Kind", COUNT(*), SUM({Units("l")}), SUM({Cents("l")}), SUM({Awaiting("l")})
                FROM "OrderLines" AS l WHERE {Open("l")} GROUP BY "ProductId", "Kind";
                """);
            migrationBuilder.Sql($"""
                INSERT INTO "BacklogOrderDateFigures" ("OrderDate", "Kind", "Lines", "Units")
                SELECT o."OrderDate", l."Kind", COUNT(*), SUM({Units("l")})
                FROM "OrderLines" AS l JOIN "Orders" AS o ON o."Id" = l."OrderId" WHERE {Open("l")} GROUP BY o."OrderDate", l."Kind";
                """);
            migrationBuilder.Sql($"""
                INSERT INTO "BacklogEtaFigures" ("Eta", "LateDays", "Kind", "Lines")
                SELECT "Eta", {LateDays("l")}, "Kind", COUNT(*)
                FROM "OrderLines" AS l WHERE {Open("l")} AND l."Eta" IS NOT NULL GROUP BY 1, 2, 3;
                """);
            migrationBuilder.Sql($"""
                INSERT INTO "BacklogCustomerFigures" ("CustomerId", "Kind", "Lines")
                SELECT "CustomerId", "Kind", COUNT(*) FROM "OrderLines" AS l WHERE {Open("l")} GROUP BY "CustomerId", "Kind";
                """);
            migrationBuilder.Sql($"""
                INSERT INTO "EtaChangeDayFigures" ("Day", "DaysSincePrevious", "Changes", "DatedChanges", "SlipDays", "WorstSlipDays")
                SELECT "Day", "Gap", COUNT(*), COUNT("Slip"), COALESCE(SUM("Slip"), 0), MAX("Slip") FROM (
                    SELECT {DayOf("c.\"ChangedAt\"")} AS "Day", {GapDays(DayOf("c.\"ChangedAt\""), "c.\"Previous\"")} AS "Gap",
                           CAST(julianday(c."NewEta") - julianday(l."PromisedDate") AS INTEGER) AS "Slip"
                    FROM (SELECT *, LAG("ChangedAt") OVER (PARTITION BY "OrderLineId" ORDER BY "ChangedAt", "Id") AS "Previous" FROM "EtaChanges") AS c
                    JOIN "OrderLines" AS l ON l."Id" = c."OrderLineId")
                GROUP BY "Day", "Gap";
                """);
        }

        // A line's share of the figures, written once for NEW, OLD and a table alias.
        private static string Open(string row) => $"""{row}."Status" IN (0, 1)""";

        private static string Units(string row) => $"""({row}."QuantityOrdered" - {row}."QuantityShipped" - {row}."QuantityCancelled")""";

        // Unit prices are decimal(18,2), stored as text: in cents they add up exactly.
        private static string Cents(string row) => $"""({Units(row)} * CAST(ROUND({row}."UnitPrice" * 100) AS INTEGER))""";

        private static string Awaiting(string row) => $"""({row}."ConsentRequired" AND {row}."CustomerResponse" = 0)""";

        private static string LateDays(string row) =>
            $"""MAX(COALESCE(CAST(julianday({row}."Eta") - julianday({row}."PromisedDate") AS INTEGER), 0), 0)""";

        private static string OrderDateOf(string row) => $"""(SELECT "OrderDate" FROM "Orders" WHERE "Id" = {row}."OrderId")""";

        private static string Quote(string column) => $"\"{column}\"";

        private static string Changed(params string[] columns) =>
            string.Join(" OR ", columns.Select(c => $"OLD.{Quote(c)} IS NOT NEW.{Quote(c)}"));

        private static string AddProduct(string row, string sign, string condition) => $"""
            INSERT INTO "BacklogProductFigures" ("ProductId", "Kind", "Lines", "Units", "ValueCents", "AwaitingDecision")
            SELECT {row}."ProductId", {row}."Kind", {sign}1, {sign}{Units(row)}, {sign}{Cents(row)}, {sign}{Awaiting(row)}
            WHERE {condition}
            ON CONFLICT ("ProductId", "Kind") DO UPDATE SET "Lines" = "Lines" + excluded."Lines", "Units" = "Units" + excluded."Units",
                "ValueCents" = "ValueCents" + excluded."ValueCents", "AwaitingDecision" = "AwaitingDecision" + excluded."AwaitingDecision";
            """;

        private static string AddOrderDate(string row, string sign, string condition) => $"""
            INSERT INTO "BacklogOrderDateFigures" ("OrderDate", "Kind", "Lines", "Units")
            SELECT {OrderDateOf(row)}, {row}."Kind", {sign}1, {sign}{Units(row)}
            WHERE {condition} AND {OrderDateOf(row)} IS NOT NULL
            ON CONFLICT ("OrderDate", "Kind") DO UPDATE SET "Lines" = "Lines" + excluded."Lines", "Units" = "Units" + excluded."Units";
            """;

        private static string AddEta(string row, string sign, string condition) => $"""
            INSERT INTO "BacklogEtaFigures" ("Eta", "LateDays", "Kind", "Lines")
            SELECT {row}."Eta", {LateDays(row)}, {row}."Kind", {sign}1
            WHERE {condition} AND {row}."Eta" IS NOT NULL
            ON CONFLICT ("Eta", "LateDays", "Kind") DO UPDATE SET "Lines" = "Lines" + excluded."Lines";
            """;

        private static string RowTriggers(string name, Func<string, string, string, string> add, params string[] columns) => $"""
            CREATE TRIGGER "TR_OrderLines_{name}_Insert" AFTER INSERT ON "OrderLines" WHEN {Open("NEW")}
            BEGIN
            {add("NEW", "", "1")}
            END;
            CREATE TRIGGER "TR_OrderLines_{name}_Delete" AFTER DELETE ON "OrderLines" WHEN {Open("OLD")}
            BEGIN
            {add("OLD", "-", "1")}
            END;
            CREATE TRIGGER "TR_OrderLines_{name}_Update" AFTER UPDATE OF "Status", {string.Join(", ", columns.Select(Quote))} ON "OrderLines"
            WHEN ({Open("OLD")} OR {Open("NEW")}) AND ({Changed(["Status", .. columns])})
            BEGIN
            {add("OLD", "-", Open("OLD"))}
            {add("NEW", "", Open("NEW"))}
            END;
            """;

        private static IEnumerable<string> CreateTriggers =>
        [
            RowTriggers("ProductFigures", AddProduct,
                "ProductId", "Kind", "QuantityOrdered", "QuantityShipped", "QuantityCancelled", "UnitPrice", "ConsentRequired", "CustomerResponse"),
            RowTriggers("OrderDateFigures", AddOrderDate, "OrderId", "Kind", "QuantityOrdered", "QuantityShipped", "QuantityCancelled"),
            RowTriggers("EtaFigures", AddEta, "Kind", "Eta", "PromisedDate"),
            RowTriggers("CustomerFigures", AddCustomer, "CustomerId", "Kind"),
            // Changes are only ever added (a line's history goes only with the line, which the portal never deletes).
            $"""
            CREATE TRIGGER "TR_EtaChanges_DayFigures_Insert" AFTER INSERT ON "EtaChanges"
            BEGIN
            INSERT INTO "EtaChangeDayFigures" ("Day", "DaysSincePrevious", "Changes", "DatedChanges", "SlipDays", "WorstSlipDays")
            SELECT "Day", {GapDays("\"Day\"", "\"Previous\"")}, 1, "Slip" IS NOT NULL, COALESCE("Slip", 0), "Slip"
            FROM (SELECT {DayOf("NEW.\"ChangedAt\"")} AS "Day",
                         (SELECT MAX(c."ChangedAt") FROM "EtaChanges" AS c WHERE c."OrderLineId" = NEW."OrderLineId"
                            AND (c."ChangedAt" < NEW."ChangedAt" OR c."ChangedAt" = NEW."ChangedAt" AND c."Id" < NEW."Id")) AS "Previous",
                         CAST(julianday(NEW."NewEta") - julianday((SELECT "PromisedDate" FROM "OrderLines" WHERE "Id" = NEW."OrderLineId")) AS INTEGER) AS "Slip")
            WHERE 1
            ON CONFLICT ("Day", "DaysSincePrevious") DO UPDATE SET "Changes" = "Changes" + 1,
                "DatedChanges" = "DatedChanges" + excluded."DatedChanges", "SlipDays" = "SlipDays" + excluded."SlipDays",
                "WorstSlipDays" = CASE WHEN excluded."WorstSlipDays" IS NULL THEN "WorstSlipDays"
                    WHEN "WorstSlipDays" IS NULL OR excluded."WorstSlipDays" > "WorstSlipDays" THEN excluded."WorstSlipDays"
                    ELSE "WorstSlipDays" END;
            END;
            """,
            // An order's new date moves its open lines to another aging day; a deleted order takes them
            // away before the cascade deletes them (the lines' own trigger no longer finds the order).
            $"""
            CREATE TRIGGER "TR_Orders_OrderDateFigures_Update" AFTER UPDATE OF "OrderDate" ON "Orders" WHEN OLD."OrderDate" IS NOT NEW."OrderDate"
            BEGIN
            {MoveOrderLines("OLD", "-")}
            {MoveOrderLines("NEW", "")}
            END;
            CREATE TRIGGER "TR_Orders_OrderDateFigures_Delete" BEFORE DELETE ON "Orders"
            BEGIN
            {MoveOrderLines("OLD", "-")}
            END;
            """,
        ];

        private static string AddCustomer(string row, string sign, string condition) => $"""
            INSERT INTO "BacklogCustomerFigures" ("CustomerId", "Kind", "Lines")
            SELECT {row}."CustomerId", {row}."Kind", {sign}1
            WHERE {condition}
            ON CONFLICT ("CustomerId", "Kind") DO UPDATE SET "Lines" = "Lines" + excluded."Lines";
            """;

        // EF stores a DateTimeOffset on SQLite as a long: its clock ticks / 1000 shifted left 11 bits, the offset in
        // minutes in the low 11 bits (DateTimeOffsetToBinaryConverter), and compares instants by that long. The
        // portal stores UTC (offset 0), so the day of the clock ticks, as 'yyyy-MM-dd', is the UTC day.
        private static string DayOf(string changedAt) =>
            $"date((({changedAt} >> 11) * 1000) / 10000000 - 62135596800, 'unixepoch')";

        // Days from the previous change (a stored instant) to a change's day, capped at 7; 7 when there is none.
        private static string GapDays(string day, string previous) =>
            $"CASE WHEN {previous} IS NULL THEN 7 ELSE MIN(CAST(julianday({day}) - julianday({DayOf(previous)}) AS INTEGER), 7) END";

        private static string MoveOrderLines(string order, string sign) => $"""
            INSERT INTO "BacklogOrderDateFigures" ("OrderDate", "Kind", "Lines", "Units")
            SELECT {order}."OrderDate", l."Kind", {sign}COUNT(*), {sign}SUM({Units("l")})
            FROM "OrderLines" AS l WHERE l."OrderId" = {order}."Id" AND {Open("l")} GROUP BY l."Kind"
            ON CONFLICT ("OrderDate", "Kind") DO UPDATE SET "Lines" = "Lines" + excluded."Lines", "Units" = "Units" + excluded."Units";
            """;

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            foreach (var trigger in new[] { "ProductFigures", "OrderDateFigures", "EtaFigures", "CustomerFigures" }
                .SelectMany(name => new[] { "Insert", "Delete", "Update" }.Select(action => $"TR_OrderLines_{name}_{action}"))
                .Concat(["TR_Orders_OrderDateFigures_Update", "TR_Orders_OrderDateFigures_Delete", "TR_EtaChanges_DayFigures_Insert"]))
            {
                migrationBuilder.Sql($"""DROP TRIGGER IF EXISTS "{trigger}";""");
            }

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
