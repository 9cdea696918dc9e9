using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
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
        // No worker serves this portal's queue, so the dispatcher never starts the job and its reservation stays the
        // last ledger movement while the reads below run. With the in-process worker the job (its model is not
        // installed) fails and releases its 5 credits within a second or two, under load between two of the reads.
        await using var portal = new PortalWebFactory(database, new Dictionary<string, string?> { ["Jobs:RunInferenceInProcess"] = "false" });
        var (tenant, owner) = await portal.RegisterAndLoginAsync("Usage");
        var job = await AddReservedJobAsync(portal, tenant.TenantId, tenant.UserId);

        var usage = await PortalWebFactory.GetJsonAsync(owner, "/api/v1/tenant/usage");
        var inverted = await owner.GetAsync(U("/api/v1/tenant/usage?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z"));

        var totals = usage.GetProperty("ledger").EnumerateArray()
            .ToDictionary(t => t.GetProperty("kind").GetString()!, t => t.GetProperty("amount").GetInt64());
        Assert.Equal(new Dictionary<string, long> { ["Grant"] = 100, ["Reserve"] = -5 }, totals);
        var perUser = Assert.Single(usage.GetProperty("jobsPerUser").EnumerateArray());
        Assert.Equal((tenant.Email, 1, 5L), (perUser.GetProperty("email").GetString(), perUser.GetProperty("jobs").GetInt32(),
            perUser.GetProperty("reservedCredits").GetInt64()));
        Assert.Equal(HttpStatusCode.BadRequest, inverted.StatusCode);
        // The daily series: today's net movement (grant 100, reserve −5) and the end-of-day balance from a zero opening.
        var today = Assert.Single(usage.GetProperty("daily").EnumerateArray());
        Assert.Equal((DateOnly.FromDateTime(DateTime.UtcNow).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), 95L, 95L),
            (today.GetProperty("day").GetString(), today.GetProperty("netChange").GetInt64(), today.GetProperty("balance").GetInt64()));
        Assert.Equal(0, usage.GetProperty("openingBalance").GetInt64());
        // A window that starts after today's movements opens at the current balance and has no points.
        var later = await PortalWebFactory.GetJsonAsync(owner, $"/api/v1/tenant/usage?from={DateTime.UtcNow.AddMinutes(1):O}&to={DateTime.UtcNow.AddDays(1):O}");
        Assert.Equal((95L, 0), (later.GetProperty("openingBalance").GetInt64(), later.GetProperty("daily").GetArrayLength()));
        Assert.Equal(GenerationJobStatus.Queued, await JobStatusAsync(portal, tenant.TenantId, job.Id));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Usage_AfterTheJobFails_CountsItsReleaseInTotalsDailyAndOpening(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        // The in-process worker runs the job; its model is not installed, so it fails and its credits are released.
        await using var portal = new PortalWebFactory(database);
        var (tenant, owner) = await portal.RegisterAndLoginAsync("Released");
        var job = await AddReservedJobAsync(portal, tenant.TenantId, tenant.UserId);
        await PortalWebFactory.WaitForStatusAsync(owner, job.Id, "failed");

        var usage = await PortalWebFactory.GetJsonAsync(owner, "/api/v1/tenant/usage");
        var later = await PortalWebFactory.GetJsonAsync(owner, $"/api/v1/tenant/usage?from={DateTime.UtcNow.AddMinutes(1):O}&to={DateTime.UtcNow.AddDays(1):O}");

        var totals = usage.GetProperty("ledger").EnumerateArray()
            .ToDictionary(t => t.GetProperty("kind").GetString()!, t => t.GetProperty("amount").GetInt64());
        Assert.Equal(new Dictionary<string, long> { ["Grant"] = 100, ["Release"] = 5, ["Reserve"] = -5 }, totals);
        var perUser = Assert.Single(usage.GetProperty("jobsPerUser").EnumerateArray());
        Assert.Equal((1, 5L), (perUser.GetProperty("jobs").GetInt32(), perUser.GetProperty("reservedCredits").GetInt64()));
        var today = Assert.Single(usage.GetProperty("daily").EnumerateArray());
        Assert.Equal((100L, 100L), (today.GetProperty("netChange").GetInt64(), today.GetProperty("balance").GetInt64()));
        Assert.Equal((100L, 0), (later.GetProperty("openingBalance").GetInt64(), later.GetProperty("daily").GetArrayLength()));
        Assert.Equal(100, await PortalWebFactory.BalanceAsync(owner));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task AuditLog_IsPagedNewestFirst_FilteredByAction_AndForAdminsOnly(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var portal = new PortalWebFactory(database);
        var (tenant, owner) = await portal.RegisterAndLoginAsync("Audited");
        foreach (var name in new[] { "ada", "bob", "cy" })
        {
            await PortalWebFactory.InviteAsync(owner, $"{name}@audited.test");
        }

        var (_, member) = await portal.AddMemberAsync(owner, "dee@audited.test");

        var first = await PortalWebFactory.GetJsonAsync(owner, "/api/v1/tenant/audit?limit=2&action=member.invited");
        var cursor = first.GetProperty("nextCursor").GetString();
        var second = await PortalWebFactory.GetJsonAsync(owner, $"/api/v1/tenant/audit?limit=2&action=member.invited&cursor={cursor}");
        var credits = await PortalWebFactory.GetJsonAsync(owner, "/api/v1/tenant/audit?action=credits.");
        var memberStatus = (await member.GetAsync(U("/api/v1/tenant/audit"))).StatusCode;
        var badLimit = (await owner.GetAsync(U("/api/v1/tenant/audit?limit=0"))).StatusCode;

        var details = first.GetProperty("entries").EnumerateArray().Concat(second.GetProperty("entries").EnumerateArray())
            .Select(e => e.GetProperty("details").GetString()!).ToList();
        // Four invitations (the member added last was invited too), newest first, across two pages.
        Assert.Equal(4, details.Count);
        Assert.StartsWith("dee@audited.test", details[0], StringComparison.Ordinal);
        Assert.StartsWith("ada@audited.test", details[^1], StringComparison.Ordinal);
        Assert.Equal(JsonValueKind.Null, second.GetProperty("nextCursor").ValueKind);
        Assert.All(first.GetProperty("entries").EnumerateArray(), e => Assert.Equal(tenant.Email, e.GetProperty("actorEmail").GetString()));
        Assert.Equal(0, credits.GetProperty("entries").GetArrayLength());
        Assert.Equal(HttpStatusCode.Forbidden, memberStatus);
        Assert.Equal(HttpStatusCode.BadRequest, badLimit);
    }

    /// <summary>A queued job of <paramref name="userId"/> with 5 credits reserved, written as the submitter would.</summary>
    private static async Task<GenerationJob> AddReservedJobAsync(PortalWebFactory portal, Guid tenantId, Guid userId)
    {
        var job = new GenerationJob
        {
            UserId = userId,
            Spec = """{"prompt":"a fox","model":"sd15"}""",
            Prompt = "a fox",
            Model = "sd15",
            TotalSteps = 20,
            ReservedCredits = 5,
            CreatedAtUtc = DateTime.UtcNow,
        };
        await using var scope = portal.Services.GetRequiredService<IServiceScopeFactory>().CreateTenantScope(tenantId);
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        db.GenerationJobs.Add(job);
        await db.SaveChangesAsync();
        var reserved = await scope.ServiceProvider.GetRequiredService<ICreditLedger>().ReserveAsync(tenantId, job.Id, 5, $"job:{job.Id}");
        Assert.Equal(CreditOutcome.Applied, reserved.Outcome);
        return job;
    }

    private static Task<GenerationJobStatus> JobStatusAsync(PortalWebFactory portal, Guid tenantId, Guid jobId) =>
        portal.WithContextAsync(tenantId, db => db.GenerationJobs.Where(j => j.Id == jobId).Select(j => j.Status).SingleAsync());
}
