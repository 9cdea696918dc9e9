using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace SdPortal.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class GenerationSpec : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "Spec",
                table: "GenerationJobs",
                type: "text",
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "Warnings",
                table: "GenerationJobs",
                type: "character varying(2000)",
                maxLength: 2000,
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "TotalSteps",
                table: "GenerationJobs",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            // Jobs accepted before the spec existed become specs of their own columns; they were read as plain text.
            migrationBuilder.Sql("""
                UPDATE "GenerationJobs" SET "TotalSteps" = "Steps", "Spec" = json_build_object(
                    'model', "Model", 'prompt', "Prompt", 'negativePrompt', COALESCE("NegativePrompt", ''), 'scheduler', "Scheduler",
                    'steps', "Steps", 'guidanceScale', "GuidanceScale", 'seed', "Seed", 'width', "Width", 'height', "Height",
                    'batchSize', "BatchSize", 'promptSyntax', 'Plain')::text;
                """);

            migrationBuilder.DropColumn(
                name: "BatchSize",
                table: "GenerationJobs");

            migrationBuilder.DropColumn(
                name: "GuidanceScale",
                table: "GenerationJobs");

            migrationBuilder.DropColumn(
                name: "Height",
                table: "GenerationJobs");

            migrationBuilder.DropColumn(
                name: "NegativePrompt",
                table: "GenerationJobs");

            migrationBuilder.DropColumn(
                name: "Scheduler",
                table: "GenerationJobs");

            migrationBuilder.DropColumn(
                name: "Steps",
                table: "GenerationJobs");

            migrationBuilder.DropColumn(
                name: "Width",
                table: "GenerationJobs");

            migrationBuilder.CreateTable(
                name: "InputImages",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    TenantId = table.Column<Guid>(type: "uuid", nullable: false),
                    UserId = table.Column<Guid>(type: "uuid", nullable: false),
                    Format = table.Column<string>(type: "character varying(8)", maxLength: 8, nullable: false),
                    Width = table.Column<int>(type: "integer", nullable: false),
                    Height = table.Column<int>(type: "integer", nullable: false),
                    ContentPath = table.Column<string>(type: "character varying(400)", maxLength: 400, nullable: false),
                    ContentHash = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    SizeBytes = table.Column<long>(type: "bigint", nullable: false),
                    CreatedAtUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_InputImages", x => x.Id);
                    table.ForeignKey(
                        name: "FK_InputImages_AspNetUsers_UserId",
                        column: x => x.UserId,
                        principalTable: "AspNetUsers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_InputImages_Tenants_TenantId",
                        column: x => x.TenantId,
                        principalTable: "Tenants",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_InputImages_TenantId",
                table: "InputImages",
                column: "TenantId");

            migrationBuilder.CreateIndex(
                name: "IX_InputImages_TenantId_UserId_CreatedAtUtc",
                table: "InputImages",
                columns: new[] { "TenantId", "UserId", "CreatedAtUtc" });

            migrationBuilder.CreateIndex(
                name: "IX_InputImages_UserId",
                table: "InputImages",
                column: "UserId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "InputImages");

            migrationBuilder.DropColumn(
                name: "Spec",
                table: "GenerationJobs");

            migrationBuilder.DropColumn(
                name: "Warnings",
                table: "GenerationJobs");

            migrationBuilder.AddColumn<int>(
                name: "Width",
                table: "GenerationJobs",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.DropColumn(
                name: "TotalSteps",
                table: "GenerationJobs");

            migrationBuilder.AddColumn<int>(
                name: "BatchSize",
                table: "GenerationJobs",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<double>(
                name: "GuidanceScale",
                table: "GenerationJobs",
                type: "double precision",
                nullable: false,
                defaultValue: 0.0);

            migrationBuilder.AddColumn<int>(
                name: "Height",
                table: "GenerationJobs",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<string>(
                name: "NegativePrompt",
                table: "GenerationJobs",
                type: "character varying(4000)",
                maxLength: 4000,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Scheduler",
                table: "GenerationJobs",
                type: "character varying(64)",
                maxLength: 64,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<int>(
                name: "Steps",
                table: "GenerationJobs",
                type: "integer",
                nullable: false,
                defaultValue: 0);
        }
    }
}
