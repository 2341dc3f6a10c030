using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace BacklogPortal.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class AddDashboardIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "IX_OrderLines_CustomerRespondedAt",
                table: "OrderLines",
                column: "CustomerRespondedAt");

            migrationBuilder.CreateIndex(
                name: "IX_EtaChanges_ChangedAt_Source",
                table: "EtaChanges",
                columns: new[] { "ChangedAt", "Source" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_OrderLines_CustomerRespondedAt",
                table: "OrderLines");

            migrationBuilder.DropIndex(
                name: "IX_EtaChanges_ChangedAt_Source",
                table: "EtaChanges");
        }
    }
}
