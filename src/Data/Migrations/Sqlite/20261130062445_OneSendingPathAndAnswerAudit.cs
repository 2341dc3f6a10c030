using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace BacklogPortal.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class OneSendingPathAndAnswerAudit : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {



            migrationBuilder.AlterColumn<int>(
                name: "CustomerId",
                table: "Notifications",
                type: "INTEGER",
                nullable: true,
                oldClrType: typeof(int),
                oldType: "INTEGER");

            migrationBuilder.CreateTable(
                name: "CustomerAnswers",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    CustomerId = table.Column<int>(type: "INTEGER", nullable: false),
                    OrderLineId = table.Column<int>(type: "INTEGER", nullable: false),
                    Response = table.Column<int>(type: "INTEGER", nullable: false),
                    AnsweredEta = table.Column<DateOnly>(type: "TEXT", nullable: true),
                    AnsweredAt = table.Column<long>(type: "INTEGER", nullable: false),
                    AnsweredBy = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    Source = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_CustomerAnswers", x => x.Id);
                    table.ForeignKey(
                        name: "FK_CustomerAnswers_Customers_CustomerId",
                        column: x => x.CustomerId,
                        principalTable: "Customers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_CustomerAnswers_OrderLines_OrderLineId",
                        column: x => x.OrderLineId,
                        principalTable: "OrderLines",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "NotificationBodies",
                columns: table => new
                {
                    NotificationId = table.Column<long>(type: "INTEGER", nullable: false),
                    HtmlBody = table.Column<string>(type: "TEXT", nullable: false),
                    TextBody = table.Column<string>(type: "TEXT", nullable: false),
                    CalendarIcs = table.Column<string>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_NotificationBodies", x => x.NotificationId);
                    table.ForeignKey(
                        name: "FK_NotificationBodies_Notifications_NotificationId",
                        column: x => x.NotificationId,
                        principalTable: "Notifications",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            // The bodies move to their own table with every email sent so far (staff still read them).
            migrationBuilder.Sql(
                "INSERT INTO NotificationBodies (NotificationId, HtmlBody, TextBody, CalendarIcs) " +
                "SELECT Id, HtmlBody, TextBody, CalendarIcs FROM Notifications;");

            migrationBuilder.DropColumn(
                name: "CalendarIcs",
                table: "Notifications");

            migrationBuilder.DropColumn(
                name: "HtmlBody",
                table: "Notifications");

            migrationBuilder.DropColumn(
                name: "TextBody",
                table: "Notifications");

            migrationBuilder.CreateIndex(
                name: "IX_CustomerAnswers_CustomerId",
                table: "CustomerAnswers",
                column: "CustomerId");

            migrationBuilder.CreateIndex(
                name: "IX_CustomerAnswers_OrderLineId_AnsweredAt",
                table: "CustomerAnswers",
                columns: new[] { "OrderLineId", "AnsweredAt" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "CustomerAnswers");

            migrationBuilder.AlterColumn<int>(
                name: "CustomerId",
                table: "Notifications",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0,
                oldClrType: typeof(int),
                oldType: "INTEGER",
                oldNullable: true);

            migrationBuilder.AddColumn<string>(
                name: "CalendarIcs",
                table: "Notifications",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "HtmlBody",
                table: "Notifications",
                type: "TEXT",
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "TextBody",
                table: "Notifications",
                type: "TEXT",
                nullable: false,
                defaultValue: "");

            migrationBuilder.Sql(
                "UPDATE Notifications SET " +
                "HtmlBody = (SELECT b.HtmlBody FROM NotificationBodies b WHERE b.NotificationId = Notifications.Id), " +
                "TextBody = (SELECT b.TextBody FROM NotificationBodies b WHERE b.NotificationId = Notifications.Id), " +
                "CalendarIcs = (SELECT b.CalendarIcs FROM NotificationBodies b WHERE b.NotificationId = Notifications.Id) " +
                "WHERE EXISTS (SELECT 1 FROM NotificationBodies b WHERE b.NotificationId = Notifications.Id);");


            migrationBuilder.DropTable(
                name: "NotificationBodies");
        }
    }
}
