using System.Net;
using Microsoft.Extensions.DependencyInjection;
using SdPortal.Data;
using SdPortal.Data.Credits;
using SdPortal.Data.Generation;
using SdPortal.Data.Tenancy;
using SdPortal.Tests.Support;
using static SdPortal.Tests.Support.Routes;

namespace SdPortal.Tests.Api;

public sealed class UsageTests
{
    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Usage_SumsTheLedgerPerKindAndCountsJobsPerUser(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var portal = new PortalWebFactory(database);
        var (tenant, owner) = await portal.RegisterAndLoginAsync("Usage");
        var job = new GenerationJob
        {
            UserId = tenant.UserId,
            Prompt = "a fox",
            Model = "sd15",
            Width = 512,
            Height = 512,
            Steps = 20,
            ReservedCredits = 5,
            CreatedAtUtc = DateTime.UtcNow,
        };
        await using (var scope = portal.Services.GetRequiredService<IServiceScopeFactory>().CreateTenantScope(tenant.TenantId))
        {
            var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
            db.GenerationJobs.Add(job);
            await db.SaveChangesAsync();
            var reserved = await scope.ServiceProvider.GetRequiredService<ICreditLedger>().ReserveAsync(tenant.TenantId, job.Id, 5, $"job:{job.Id}");
            Assert.Equal(CreditOutcome.Applied, reserved.Outcome);
        }

        var usage = await PortalWebFactory.GetJsonAsync(owner, "/api/v1/tenant/usage");
        var inverted = await owner.GetAsync(U("/api/v1/tenant/usage?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z"));

        var totals = usage.GetProperty("ledger").EnumerateArray()
            .ToDictionary(t => t.GetProperty("kind").GetString()!, t => t.GetProperty("amount").GetInt64());
        Assert.Equal(new Dictionary<string, long> { ["Grant"] = 100, ["Reserve"] = -5 }, totals);
        var perUser = Assert.Single(usage.GetProperty("jobsPerUser").EnumerateArray());
        Assert.Equal((tenant.Email, 1, 5L), (perUser.GetProperty("email").GetString(), perUser.GetProperty("jobs").GetInt32(),
            perUser.GetProperty("reservedCredits").GetInt64()));
        Assert.Equal(HttpStatusCode.BadRequest, inverted.StatusCode);
    }
}
