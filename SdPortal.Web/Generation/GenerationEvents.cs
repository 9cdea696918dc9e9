using Microsoft.AspNetCore.SignalR;
using SdPortal.Web.SharedState;

namespace SdPortal.Web.Generation;

/// <summary>
/// Fans a job's events out to its hub groups (the job's watchers and the tenant's admins) and to this node's circuits
/// (<see cref="JobEventRelay"/>: this node's <see cref="JobEventFeed"/>, and with Redis every other node's). Whether the job ran in this process or on an inference host, its events arrive here
/// (through the gateway), and with the Redis backplane every web node's hub clients receive them.
/// </summary>
public sealed class GenerationEvents(
    IHubContext<GenerationHub, IGenerationClient> hub, JobEventRelay circuits, LivePreviews previews, TimeProvider time, ILogger<GenerationEvents> logger)
{
    public Task QueuedAsync(Guid tenantId, Guid jobId, QueueSpot spot) =>
        Raise(tenantId, new JobQueuedEvent(jobId, spot.Position, spot.EstimatedStartSeconds), (c, e) => c.JobQueued(e));

    public async Task ProgressAsync(Guid tenantId, Guid jobId, int step, int totalSteps, byte[]? previewPng)
    {
        if (previewPng is not null)
        {
            await previews.SetAsync(jobId, step, previewPng);
        }

        var e = new JobProgressEvent(jobId, step, totalSteps, previewPng is null ? null : Convert.ToBase64String(previewPng), time.GetUtcNow());
        await Raise(tenantId, e, (c, e) => c.JobProgress(e));
    }

    public async Task CompletedAsync(Guid tenantId, Guid jobId, IReadOnlyList<GenerationImageResponse> images)
    {
        await previews.RemoveAsync(jobId);
        await Raise(tenantId, new JobCompletedEvent(jobId, images), (c, e) => c.JobCompleted(e));
    }

    public async Task EndedAsync(Guid tenantId, Guid jobId, string status, string? reason)
    {
        await previews.RemoveAsync(jobId);
        await Raise(tenantId, new JobFailedEvent(jobId, status, reason), (c, e) => c.JobFailed(e));
    }

    private async Task Raise<TEvent>(Guid tenantId, TEvent e, Func<IGenerationClient, TEvent, Task> send)
        where TEvent : IJobEvent
    {
        await circuits.PublishAsync(e);
        try
        {
            await send(hub.Clients.Groups(GenerationHub.JobGroup(e.JobId), GenerationHub.TenantAdminsGroup(tenantId)), e);
        }
        catch (Exception ex) when (RedisFailures.Is(ex))
        {
            // The backplane publishes every send through Redis: an event is advisory, the job's start, report or
            // settlement that raised it must not fail for it (ADR-022).
            RedisFailures.LogUnavailable(logger, ex, "hub send", "hub clients miss this event; their pages re-read the job");
        }
    }
}
