using SdPortal.Data;
using SdPortal.Web.Api;
using SdPortal.Web.Generation;
using SdPortal.Web.Health;
using SdPortal.Web.Hosting;
using SdPortal.Web.Identity;
using SdPortal.Web.Jobs;

var builder = WebApplication.CreateBuilder(args);

var storage = builder.AddPortalData();
builder.AddPortalDataProtection(storage);
builder.AddJobStorage(storage);
builder.AddPortalIdentity();
builder.AddPortalApi();
builder.AddGenerationJobs(storage);
builder.AddPortalHealthChecks();
builder.AddPortalUi();

var app = builder.Build();

await app.Services.MigratePortalDatabaseAsync();
app.UsePortalIdentity();
app.MapPortalHealthChecks();
app.MapPortalApi();
app.MapGenerationApi();
app.UsePortalUi();

await app.RunAsync();

/// <summary>The entry point, visible to the integration tests' WebApplicationFactory.</summary>
public partial class Program;
