using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace BacklogPortal.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class AnswerConfirmationLink : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "ConfirmationNotificationId",
                table: "CustomerAnswers",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_CustomerAnswers_ConfirmationNotificationId",
                table: "CustomerAnswers",
                column: "ConfirmationNotificationId");

            migrationBuilder.AddForeignKey(
                name: "FK_CustomerAnswers_Notifications_ConfirmationNotificationId",
                table: "CustomerAnswers",
                column: "ConfirmationNotificationId",
                principalTable: "Notifications",
                principalColumn: "Id",
                onDelete: ReferentialAction.SetNull);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "FK_CustomerAnswers_Notifications_ConfirmationNotificationId",
                table: "CustomerAnswers");

            migrationBuilder.DropIndex(
                name: "IX_CustomerAnswers_ConfirmationNotificationId",
                table: "CustomerAnswers");

            migrationBuilder.DropColumn(
                name: "ConfirmationNotificationId",
                table: "CustomerAnswers");
        }
    }
}
