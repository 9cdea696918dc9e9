using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using SdPortal.Data;
using SdPortal.Tests.Support;
using SdPortal.Web.Generation;
using Xunit.Abstractions;

namespace SdPortal.Tests.Generation;

/// <summary>The hub: progress with previews and completion reach the job's owner, and nobody else (R16).</summary>
public sealed class GenerationRealtimeTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Hub_OwnerReceivesStepsWithPreviewsAndCompletion_AnotherTenantNothing()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var portal = new PortalWebFactory(database, PortalWebFactory.GenerationSettings())
        {
            TestServices = TestEngines.Slow(TimeSpan.FromMilliseconds(40)),
        };
        var (tenant, owner) = await portal.RegisterAndLoginAsync("Watchers");
        var (_, stranger) = await portal.RegisterAndLoginAsync("Strangers");
        await using var ownerHub = await portal.ConnectHubAsync(owner);
        await using var strangerHub = await portal.ConnectHubAsync(stranger);
        var ownerEvents = new ConcurrentQueue<(string Kind, object Event, TimeSpan At)>();
        var strangerEvents = new ConcurrentQueue<object>();
        var clock = Stopwatch.StartNew();
        var completed = new TaskCompletionSource<JobCompletedEvent>(TaskCreationOptions.RunContinuationsAsynchronously);
        ownerHub.On<JobProgressEvent>(nameof(IGenerationClient.JobProgress), e => ownerEvents.Enqueue(("progress", e, clock.Elapsed)));
        ownerHub.On<JobCompletedEvent>(nameof(IGenerationClient.JobCompleted), e => completed.TrySetResult(e));
        strangerHub.On<JobProgressEvent>(nameof(IGenerationClient.JobProgress), strangerEvents.Enqueue);
        strangerHub.On<JobCompletedEvent>(nameof(IGenerationClient.JobCompleted), strangerEvents.Enqueue);
        // The owner is the tenant's admin: the tenant feed carries the job from its first event.
        await ownerHub.InvokeAsync(nameof(GenerationHub.SubscribeToTenant), tenant.TenantId);

        var submittedAt = clock.Elapsed;
        var id = await PortalWebFactory.SubmitAcceptedAsync(owner, PortalWebFactory.TinyRequest(("steps", 12)));
        await ownerHub.InvokeAsync(nameof(GenerationHub.SubscribeToJob), id);
        var joinJob = await Assert.ThrowsAsync<HubException>(() => strangerHub.InvokeAsync(nameof(GenerationHub.SubscribeToJob), id));
        var joinTenant = await Assert.ThrowsAsync<HubException>(() => strangerHub.InvokeAsync(nameof(GenerationHub.SubscribeToTenant), tenant.TenantId));
        var done = await completed.Task.WaitAsync(TimeSpan.FromSeconds(60));
        await Task.Delay(200);

        var steps = ownerEvents.Select(e => (JobProgressEvent)e.Event).Where(e => e.JobId == id && e.Step > 0).ToList();
        var previews = steps.Where(s => s.PreviewPng is not null).Select(s => Convert.FromBase64String(s.PreviewPng!).Length).ToList();
        var firstStep = ownerEvents.First(e => ((JobProgressEvent)e.Event).Step >= 1).At - submittedAt;
        output.WriteLine($"Hub: {steps.Count} step events, {previews.Count} previews (largest {previews.DefaultIfEmpty().Max()} B); submit→first step {firstStep.TotalMilliseconds:F0} ms; stranger received {strangerEvents.Count}");
        Assert.Equal(12, steps.Max(s => s.Step));
        Assert.NotEmpty(previews);
        Assert.All(previews, size => Assert.InRange(size, 1, 20 * 1024));
        Assert.Equal(id, done.JobId);
        Assert.StartsWith("/api/v1/images/", Assert.Single(done.Images).Url, StringComparison.Ordinal);
        Assert.Empty(strangerEvents);
        Assert.Contains("Not found", joinJob.Message, StringComparison.Ordinal);
        Assert.Contains("Not found", joinTenant.Message, StringComparison.Ordinal);
    }
}
