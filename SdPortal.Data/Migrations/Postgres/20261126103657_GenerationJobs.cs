using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace SdPortal.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class GenerationJobs : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "Attempts",
                table: "GenerationJobs",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<DateTime>(
                name: "CancelRequestedAtUtc",
                table: "GenerationJobs",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "DispatchedAtUtc",
                table: "GenerationJobs",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Scheduler",
                table: "GenerationJobs",
                type: "character varying(64)",
                maxLength: 64,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<int>(
                name: "Step",
                table: "GenerationJobs",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<string>(
                name: "TimingsJson",
                table: "GenerationJobs",
                type: "character varying(1000)",
                maxLength: 1000,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "WorkerName",
                table: "GenerationJobs",
                type: "character varying(200)",
                maxLength: 200,
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_GenerationJobs_Status_CreatedAtUtc",
                table: "GenerationJobs",
                columns: new[] { "Status", "CreatedAtUtc" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_GenerationJobs_Status_CreatedAtUtc",
                table: "GenerationJobs");

            migrationBuilder.DropColumn(
                name: "Attempts",
                table: "GenerationJobs");

            migrationBuilder.DropColumn(
                name: "CancelRequestedAtUtc",
                table: "GenerationJobs");

            migrationBuilder.DropColumn(
                name: "DispatchedAtUtc",
                table: "GenerationJobs");

            migrationBuilder.DropColumn(
                name: "Scheduler",
                table: "GenerationJobs");

            migrationBuilder.DropColumn(
                name: "Step",
                table: "GenerationJobs");

            migrationBuilder.DropColumn(
                name: "TimingsJson",
                table: "GenerationJobs");

            migrationBuilder.DropColumn(
                name: "WorkerName",
                table: "GenerationJobs");
        }
    }
}
