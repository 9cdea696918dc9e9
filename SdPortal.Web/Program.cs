using SdPortal.Data;
using SdPortal.Web.Adapters;
using SdPortal.Web.Api;
using SdPortal.Web.Billing;
using SdPortal.Web.Errors;
using SdPortal.Web.Generation;
using SdPortal.Web.Health;
using SdPortal.Web.Hosting;
using SdPortal.Web.Identity;
using SdPortal.Web.Inputs;
using SdPortal.Web.Jobs;
using SdPortal.Web.Mail;
using SdPortal.Web.Observability;
using SdPortal.Web.Operators;
using SdPortal.Web.SharedState;

var builder = WebApplication.CreateBuilder(args);

builder.AddPortalErrorHandling();
var storage = builder.AddPortalData();
builder.AddPortalDataProtection(storage);
builder.AddJobStorage(storage);
builder.AddPortalIdentity();
builder.AddPortalMail();
builder.AddPortalApi();
builder.AddBilling();
builder.AddSharedState();
builder.AddGenerationJobs(storage);
builder.AddInputImages();
builder.AddLoraAdapters();
builder.AddPortalHealthChecks();
builder.AddPortalTelemetry();
builder.AddPortalUi();

var app = builder.Build();

await app.Services.MigratePortalDatabaseAsync();
app.UsePortalEdge();
app.UsePortalErrorHandling();
app.UsePortalIdentity();
app.MapPortalHealthChecks();
app.MapPortalMetrics();
app.MapPortalApi();
app.MapBilling();
app.MapGenerationApi();
app.MapInputImageApi();
app.MapLoraAdapterApi();
app.MapOperatorDashboard();
app.UsePortalUi();

await app.RunAsync();

/// <summary>The entry point, visible to the integration tests' WebApplicationFactory.</summary>
public partial class Program;
