using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using SdPortal.Data;
using SdPortal.Data.Credits;
using SdPortal.Inference.Jobs;
using SdPortal.Tests.Support;
using Xunit.Abstractions;
using static SdPortal.Tests.Support.Routes;

namespace SdPortal.Tests.Generation;

/// <summary>Cancellation, bounded retries and refunds (R10, R14), on both providers where the ledger is involved.</summary>
public sealed class GenerationLifecycleTests(ITestOutputHelper output)
{
    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Cancel_RunningJob_StopsWithinAStepAndReleasesOnce(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var portal = new PortalWebFactory(database, PortalWebFactory.GenerationSettings())
        {
            TestServices = TestEngines.Slow(TimeSpan.FromMilliseconds(100)),
        };
        var (tenant, owner) = await portal.RegisterAndLoginAsync("Changed Mind");
        var id = await PortalWebFactory.SubmitAcceptedAsync(owner, PortalWebFactory.TinyRequest(("steps", 40)));
        var running = await PortalWebFactory.WaitForStatusAsync(owner, id, "running");
        while ((running = await PortalWebFactory.GetJsonAsync(owner, $"/api/v1/generations/{id}")).GetProperty("step").GetInt32() < 2)
        {
            await Task.Delay(20);
        }

        var cancelAt = running.GetProperty("step").GetInt32();
        var cancel = await owner.PostAsync(U($"/api/v1/generations/{id}/cancel"), null);
        var ended = await PortalWebFactory.WaitForStatusAsync(owner, id, "canceled");
        var again = await owner.PostAsync(U($"/api/v1/generations/{id}/cancel"), null);

        Assert.Equal(HttpStatusCode.Accepted, cancel.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        var stepsAfterCancel = ended.GetProperty("step").GetInt32() - cancelAt;
        Assert.InRange(stepsAfterCancel, 0, 3);
        Assert.Equal(TenantLimitsDefaults.Credits, await PortalWebFactory.BalanceAsync(owner));
        Assert.Equal((1, 0), (await portal.LedgerEntriesAsync(tenant.TenantId, CreditEntryKind.Release, id),
            await portal.LedgerEntriesAsync(tenant.TenantId, CreditEntryKind.Capture, id)));
        output.WriteLine($"Cancel [{provider}]: requested at step {cancelAt}, steps run after it {stepsAfterCancel}; release entries 1, balance restored");
    }

    [Fact]
    public async Task Cancel_QueuedJob_EndsAtOnceAndReleases()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        // No worker in this process: the job waits in the queue.
        await using var portal = new PortalWebFactory(database, PortalWebFactory.GenerationSettings(more: ("Jobs:RunInferenceInProcess", "false")));
        var (tenant, owner) = await portal.RegisterAndLoginAsync("Waiting");
        var id = await PortalWebFactory.SubmitAcceptedAsync(owner);

        var cancel = await owner.PostAsync(U($"/api/v1/generations/{id}/cancel"), null);

        // Ended now: 200 with the final state, not 202.
        Assert.Equal(HttpStatusCode.OK, cancel.StatusCode);
        Assert.Equal("canceled", (await cancel.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("status").GetString());
        Assert.Equal("canceled", (await PortalWebFactory.GetJsonAsync(owner, $"/api/v1/generations/{id}")).GetProperty("status").GetString());
        Assert.Equal((TenantLimitsDefaults.Credits, 1), (await PortalWebFactory.BalanceAsync(owner),
            await portal.LedgerEntriesAsync(tenant.TenantId, CreditEntryKind.Release, id)));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task TransientFailure_RetriedABoundedNumberOfTimes_ThenFailsAndReleasesExactlyOnce(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var engine = new FailingEngine(() => new InvalidOperationException("CUDA failure 2: out of memory"));
        await using var portal = new PortalWebFactory(database, PortalWebFactory.GenerationSettings())
        {
            TestServices = TestEngines.Failing(engine),
        };
        var (tenant, owner) = await portal.RegisterAndLoginAsync("Unlucky");
        var before = await PortalWebFactory.BalanceAsync(owner);

        var id = await PortalWebFactory.SubmitAcceptedAsync(owner);
        var failed = await PortalWebFactory.WaitForStatusAsync(owner, id, "failed");
        // Replay the terminal failure, as a zombie of the last attempt would: it holds no lease any more.
        await portal.Services.GetRequiredService<IJobGateway>().FailAsync(new JobLease(new JobRef(tenant.TenantId, id), Guid.NewGuid()), "replayed", CancellationToken.None);
        var attempts = new SdPortal.Web.Generation.GenerationOptions().MaxAttempts;

        var delta = await PortalWebFactory.BalanceAsync(owner) - before;
        var releases = await portal.LedgerEntriesAsync(tenant.TenantId, CreditEntryKind.Release, id);
        output.WriteLine($"R10/R14 [{provider}]: attempts made {engine.Runs} (Generation:MaxAttempts {attempts}); balance delta {delta}; release entries {releases}; error: {failed.GetProperty("error").GetString()}");
        Assert.Equal((attempts, 0L, 1), (engine.Runs, delta, releases));
        Assert.Contains("out of memory", failed.GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task PermanentFailure_FailsAtOnceWithoutRetries()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        var engine = new FailingEngine(() => new SdPortal.Inference.Models.ModelLoadException("unet/model.onnx", "truncated"));
        await using var portal = new PortalWebFactory(database, PortalWebFactory.GenerationSettings()) { TestServices = TestEngines.Failing(engine) };
        var (tenant, owner) = await portal.RegisterAndLoginAsync("Broken Model");

        var id = await PortalWebFactory.SubmitAcceptedAsync(owner);
        await PortalWebFactory.WaitForStatusAsync(owner, id, "failed");

        Assert.Equal((1, 1, TenantLimitsDefaults.Credits), (engine.Runs,
            await portal.LedgerEntriesAsync(tenant.TenantId, CreditEntryKind.Release, id), await PortalWebFactory.BalanceAsync(owner)));
    }
}
