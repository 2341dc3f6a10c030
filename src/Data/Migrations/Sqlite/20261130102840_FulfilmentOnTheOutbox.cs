using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace BacklogPortal.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class FulfilmentOnTheOutbox : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "LineCancellationId",
                table: "NotificationOutbox",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "LineShipmentId",
                table: "NotificationOutbox",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_NotificationOutbox_LineCancellationId",
                table: "NotificationOutbox",
                column: "LineCancellationId");

            migrationBuilder.CreateIndex(
                name: "IX_NotificationOutbox_LineShipmentId",
                table: "NotificationOutbox",
                column: "LineShipmentId");

            migrationBuilder.AddForeignKey(
                name: "FK_NotificationOutbox_LineCancellations_LineCancellationId",
                table: "NotificationOutbox",
                column: "LineCancellationId",
                principalTable: "LineCancellations",
                principalColumn: "Id");

            migrationBuilder.AddForeignKey(
                name: "FK_NotificationOutbox_LineShipments_LineShipmentId",
                table: "NotificationOutbox",
                column: "LineShipmentId",
                principalTable: "LineShipments",
                principalColumn: "Id");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "FK_NotificationOutbox_LineCancellations_LineCancellationId",
                table: "NotificationOutbox");

            migrationBuilder.DropForeignKey(
                name: "FK_NotificationOutbox_LineShipments_LineShipmentId",
                table: "NotificationOutbox");

            migrationBuilder.DropIndex(
                name: "IX_NotificationOutbox_LineCancellationId",
                table: "NotificationOutbox");

            migrationBuilder.DropIndex(
                name: "IX_NotificationOutbox_LineShipmentId",
                table: "NotificationOutbox");

            migrationBuilder.DropColumn(
                name: "LineCancellationId",
                table: "NotificationOutbox");

            migrationBuilder.DropColumn(
                name: "LineShipmentId",
                table: "NotificationOutbox");
        }
    }
}
