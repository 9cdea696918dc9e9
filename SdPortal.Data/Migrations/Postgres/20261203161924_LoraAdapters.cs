using System;
using System.Collections.Generic;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace SdPortal.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class LoraAdapters : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // Existing tenants start with the free plan's adapter limits (TenantLimits' defaults: 256 MiB, 5 adapters);
            // the next subscription event sets a paid plan's (TenantPlanSync), an operator may set them at once.
            migrationBuilder.AddColumn<long>(
                name: "MaxAdapterBytes",
                table: "TenantLimits",
                type: "bigint",
                nullable: false,
                defaultValue: 268435456L);

            migrationBuilder.AddColumn<int>(
                name: "MaxAdapters",
                table: "TenantLimits",
                type: "integer",
                nullable: false,
                defaultValue: 5);

            migrationBuilder.CreateTable(
                name: "LoraAdapters",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    TenantId = table.Column<Guid>(type: "uuid", nullable: false),
                    UserId = table.Column<Guid>(type: "uuid", nullable: false),
                    Name = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    NormalizedName = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    TriggerWords = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    SharedWithTenant = table.Column<bool>(type: "boolean", nullable: false),
                    ContentPath = table.Column<string>(type: "character varying(400)", maxLength: 400, nullable: false),
                    ContentHash = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    SizeBytes = table.Column<long>(type: "bigint", nullable: false),
                    Format = table.Column<string>(type: "character varying(8)", maxLength: 8, nullable: false),
                    Rank = table.Column<int>(type: "integer", nullable: false),
                    ModuleCount = table.Column<int>(type: "integer", nullable: false),
                    TargetsTextEncoder = table.Column<bool>(type: "boolean", nullable: false),
                    CompatibleModels = table.Column<List<string>>(type: "text[]", nullable: false),
                    CheckedModels = table.Column<List<string>>(type: "text[]", nullable: false),
                    PreviewPath = table.Column<string>(type: "character varying(400)", maxLength: 400, nullable: true),
                    PreviewFormat = table.Column<string>(type: "character varying(8)", maxLength: 8, nullable: true),
                    CreatedAtUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_LoraAdapters", x => x.Id);
                    table.ForeignKey(
                        name: "FK_LoraAdapters_AspNetUsers_UserId",
                        column: x => x.UserId,
                        principalTable: "AspNetUsers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_LoraAdapters_Tenants_TenantId",
                        column: x => x.TenantId,
                        principalTable: "Tenants",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_LoraAdapters_TenantId",
                table: "LoraAdapters",
                column: "TenantId");

            migrationBuilder.CreateIndex(
                name: "IX_LoraAdapters_TenantId_NormalizedName",
                table: "LoraAdapters",
                columns: new[] { "TenantId", "NormalizedName" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_LoraAdapters_TenantId_UserId",
                table: "LoraAdapters",
                columns: new[] { "TenantId", "UserId" });

            migrationBuilder.CreateIndex(
                name: "IX_LoraAdapters_UserId",
                table: "LoraAdapters",
                column: "UserId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "LoraAdapters");

            migrationBuilder.DropColumn(
                name: "MaxAdapterBytes",
                table: "TenantLimits");

            migrationBuilder.DropColumn(
                name: "MaxAdapters",
                table: "TenantLimits");
        }
    }
}
