using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace BacklogPortal.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class NotificationDelivery : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "CalendarIcs",
                table: "Notifications",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "LastAttemptAt",
                table: "Notifications",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<DateOnly>(
                name: "Eta",
                table: "NotificationOutbox",
                type: "TEXT",
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
        }
    }
}
