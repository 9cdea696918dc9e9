using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using SdPortal.Data;
using SdPortal.Tests.Support;
using static SdPortal.Tests.Support.Routes;

namespace SdPortal.Tests.Api;

public sealed class OperatorTests
{
    private const string OperatorEmail = "ops@example.test";

    private static Dictionary<string, string?> OperatorSettings => new() { ["Portal:Operators:0"] = OperatorEmail };

    [Fact]
    public async Task AdminRoutes_RefuseAnonymousTenantOwnersAndApiKeys()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var portal = new PortalWebFactory(database, OperatorSettings);
        var (tenant, owner) = await portal.RegisterAndLoginAsync("Customer");
        await portal.RegisterTenantAsync("Ops", OperatorEmail);
        using var operatorClient = await portal.LoginAsync(OperatorEmail);
        var (_, operatorKey) = await PortalWebFactory.CreateApiKeyAsync(operatorClient);
        using var withOperatorKey = portal.CreateBearerClient(operatorKey);
        using var anonymous = portal.CreateClient();
        var grant = new { amount = 1000, reason = "free money" };

        var statuses = new List<HttpStatusCode>();
        foreach (var client in new[] { owner, withOperatorKey, anonymous })
        {
            statuses.Add((await client.PostAsJsonAsync(U($"/api/v1/admin/tenants/{tenant.TenantId}/credits"), grant)).StatusCode);
            statuses.Add((await client.PutAsJsonAsync(U($"/api/v1/admin/tenants/{tenant.TenantId}/limits"), Limits(99))).StatusCode);
        }

        Assert.Equal([HttpStatusCode.Forbidden, HttpStatusCode.Forbidden, HttpStatusCode.Forbidden, HttpStatusCode.Forbidden,
            HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized], statuses);
        Assert.Equal(100, (await PortalWebFactory.GetJsonAsync(owner, "/api/v1/tenant")).GetProperty("credits").GetInt64());
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Operator_SetsLimitsAndMovesCredits_OncePerKey_WithAnAuditEntryEach(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var portal = new PortalWebFactory(database, OperatorSettings);
        var (tenant, owner) = await portal.RegisterAndLoginAsync("Customer");
        await portal.RegisterTenantAsync("Ops", OperatorEmail);
        using var ops = await portal.LoginAsync(OperatorEmail);
        var credits = U($"/api/v1/admin/tenants/{tenant.TenantId}/credits");

        var limits = await ops.PutAsJsonAsync(U($"/api/v1/admin/tenants/{tenant.TenantId}/limits"), Limits(3));
        using var once = new HttpRequestMessage(HttpMethod.Post, credits) { Content = JsonContent.Create(new { amount = 50, reason = "goodwill" }) };
        once.Headers.Add("Idempotency-Key", "ticket-17");
        using var twice = new HttpRequestMessage(HttpMethod.Post, credits) { Content = JsonContent.Create(new { amount = 50, reason = "goodwill" }) };
        twice.Headers.Add("Idempotency-Key", "ticket-17");
        var first = await ops.SendAsync(once);
        var replay = await (await ops.SendAsync(twice)).Content.ReadFromJsonAsync<JsonElement>();
        var overdraw = await ops.PostAsJsonAsync(credits, new { amount = -500, reason = "too much" });
        var adjust = await ops.PostAsJsonAsync(credits, new { amount = -20, reason = "refund reversal" });
        var invalid = await ops.PostAsJsonAsync(credits, new { amount = 0, reason = "" });
        var unknown = await ops.PostAsJsonAsync(U($"/api/v1/admin/tenants/{Guid.NewGuid()}/credits"), new { amount = 5, reason = "x" });

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), (limits.StatusCode, first.StatusCode));
        Assert.True(replay.GetProperty("replayed").GetBoolean());
        Assert.Equal((HttpStatusCode.Conflict, HttpStatusCode.OK), (overdraw.StatusCode, adjust.StatusCode));
        Assert.Equal((HttpStatusCode.BadRequest, HttpStatusCode.NotFound), (invalid.StatusCode, unknown.StatusCode));
        var profile = await PortalWebFactory.GetJsonAsync(owner, "/api/v1/tenant");
        Assert.Equal(130, profile.GetProperty("credits").GetInt64());
        Assert.Equal(3, profile.GetProperty("limits").GetProperty("maxConcurrentJobs").GetInt32());
        var (audit, ledgerSum) = await portal.WithContextAsync(tenant.TenantId, async db =>
            (await db.AuditLog.OrderBy(e => e.CreatedAtUtc).Select(e => e.Action).ToListAsync(), await db.CreditLedger.SumAsync(e => e.Amount)));
        Assert.Equal(["limits.updated", "credits.granted", "credits.adjusted"], audit);
        Assert.Equal(130, ledgerSum);
    }

    private static object Limits(int maxConcurrentJobs) => new
    {
        monthlyIncludedCredits = 500,
        maxConcurrentJobs,
        maxImageSide = 1024,
        maxSteps = 60,
        maxBatch = 2,
        allowedModels = new[] { "sd15" },
    };
}
