using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace BacklogPortal.Data.Migrations.SqlServer
{
    /// <inheritdoc />
    public partial class NotificationDelivery : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AlterColumn<string>(
                name: "ToAddress",
                table: "Notifications",
                type: "nvarchar(2000)",
                maxLength: 2000,
                nullable: false,
                oldClrType: typeof(string),
                oldType: "nvarchar(320)",
                oldMaxLength: 320);

            migrationBuilder.AddColumn<string>(
                name: "CalendarIcs",
                table: "Notifications",
                type: "nvarchar(max)",
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "LastAttemptAt",
                table: "Notifications",
                type: "datetimeoffset",
                nullable: true);

            migrationBuilder.AddColumn<DateOnly>(
                name: "Eta",
                table: "NotificationOutbox",
                type: "date",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_NotificationOutbox_EtaChangeId",
                table: "NotificationOutbox",
                column: "EtaChangeId");

            migrationBuilder.CreateIndex(
                name: "IX_NotificationOutbox_OverdueReminder",
                table: "NotificationOutbox",
                columns: new[] { "OrderLineId", "Eta" },
                unique: true,
                filter: "\"Kind\" = 1");

            migrationBuilder.AddForeignKey(
                name: "FK_NotificationOutbox_EtaChanges_EtaChangeId",
                table: "NotificationOutbox",
                column: "EtaChangeId",
                principalTable: "EtaChanges",
                principalColumn: "Id",
                onDelete: ReferentialAction.SetNull);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "FK_NotificationOutbox_EtaChanges_EtaChangeId",
                table: "NotificationOutbox");

            migrationBuilder.DropIndex(
                name: "IX_NotificationOutbox_EtaChangeId",
                table: "NotificationOutbox");

            migrationBuilder.DropIndex(
                name: "IX_NotificationOutbox_OverdueReminder",
                table: "NotificationOutbox");

            migrationBuilder.DropColumn(
                name: "CalendarIcs",
                table: "Notifications");

            migrationBuilder.DropColumn(
                name: "LastAttemptAt",
                table: "Notifications");

            migrationBuilder.DropColumn(
                name: "Eta",
                table: "NotificationOutbox");

            migrationBuilder.AlterColumn<string>(
                name: "ToAddress",
                table: "Notifications",
                type: "nvarchar(320)",
                maxLength: 320,
                nullable: false,
                oldClrType: typeof(string),
                oldType: "nvarchar(2000)",
                oldMaxLength: 2000);
        }
    }
}
