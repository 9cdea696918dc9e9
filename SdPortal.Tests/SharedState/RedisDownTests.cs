using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SdPortal.Data;
using SdPortal.Data.Credits;
using SdPortal.Tests.Support;
using static SdPortal.Tests.Support.Routes;

namespace SdPortal.Tests.SharedState;

/// <summary>
/// Redis configured but not answering (ADR-022): the node starts, serves and runs jobs to their settlement on the
/// database alone, logs what it could not share, and reports Redis as Degraded without leaving the load balancer.
/// </summary>
public sealed class RedisDownTests
{
    [Fact]
    public async Task WithRedisDown_AJobIsAcceptedRunsAndSettles_ReadinessSaysDegraded_AndTheOutageIsLogged()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        var logs = new CapturedLogs();
        var settings = PortalWebFactory.GenerationSettings(more: [("ConnectionStrings:Redis", "127.0.0.1:1,connectTimeout=300")]);
        await using var portal = new PortalWebFactory(database, settings) { TestServices = s => s.AddSingleton<ILoggerProvider>(logs) };
        var (tenant, owner) = await portal.RegisterAndLoginAsync("Redis Down");
        var before = await PortalWebFactory.BalanceAsync(owner);

        var job = await PortalWebFactory.SubmitAcceptedAsync(owner);
        var done = await PortalWebFactory.WaitForStatusAsync(owner, job, "succeeded", TimeSpan.FromSeconds(60));
        using var ready = await portal.CreateClient().GetAsync(U("/health/ready"));

        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal("Degraded", await ready.Content.ReadAsStringAsync());
        Assert.Equal(1, done.GetProperty("images").GetArrayLength());
        Assert.Equal(1, await portal.LedgerEntriesAsync(tenant.TenantId, CreditEntryKind.Capture, job));
        Assert.Equal(before - done.GetProperty("credits").GetInt64(), await PortalWebFactory.BalanceAsync(owner));
        Assert.Contains(logs.Lines, l => l.Level == LogLevel.Warning && l.Message.StartsWith("Redis did not answer (job event)", StringComparison.Ordinal));
        Assert.Contains(logs.Lines, l => l.Message.StartsWith("Redis did not answer (rate-limit count)", StringComparison.Ordinal));
    }
}
