using Microsoft.AspNetCore.SignalR;

namespace SdPortal.Web.Generation;

/// <summary>
/// Fans a job's events out to its hub groups: the job's watchers and the tenant's admins. Whether the job ran in this
/// process or on an inference host, its events arrive here (through the gateway), and with the Redis backplane every
/// web node's clients receive them.
/// </summary>
public sealed class GenerationEvents(IHubContext<GenerationHub, IGenerationClient> hub, TimeProvider time)
{
    public Task QueuedAsync(Guid tenantId, Guid jobId, QueueSpot spot) =>
        To(tenantId, jobId).JobQueued(new JobQueuedEvent(jobId, spot.Position, spot.EstimatedStartSeconds));

    public Task ProgressAsync(Guid tenantId, Guid jobId, int step, int totalSteps, byte[]? previewPng) =>
        To(tenantId, jobId).JobProgress(new JobProgressEvent(jobId, step, totalSteps, previewPng is null ? null : Convert.ToBase64String(previewPng), time.GetUtcNow()));

    public Task CompletedAsync(Guid tenantId, Guid jobId, IReadOnlyList<GenerationImageResponse> images) =>
        To(tenantId, jobId).JobCompleted(new JobCompletedEvent(jobId, images));

    public Task EndedAsync(Guid tenantId, Guid jobId, string status, string? reason) =>
        To(tenantId, jobId).JobFailed(new JobFailedEvent(jobId, status, reason));

    private IGenerationClient To(Guid tenantId, Guid jobId) =>
        hub.Clients.Groups(GenerationHub.JobGroup(jobId), GenerationHub.TenantAdminsGroup(tenantId));
}
