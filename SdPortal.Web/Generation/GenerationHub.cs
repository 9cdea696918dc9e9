using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;

namespace SdPortal.Web.Generation;

/// <summary>What the hub sends: each event of a job, to its owner and the tenant's admins.</summary>
public interface IGenerationClient
{
    Task JobQueued(JobQueuedEvent e);

    Task JobProgress(JobProgressEvent e);

    Task JobCompleted(JobCompletedEvent e);

    Task JobFailed(JobFailedEvent e);
}

public sealed record JobQueuedEvent(Guid JobId, int QueuePosition, double EstimatedStartSeconds) : IJobEvent;

/// <summary>
/// A finished step; <see cref="PreviewPng"/> is a base64 PNG of at most 64 px (≤ 20 KB) on some steps.
/// <see cref="SentAtUtc"/> is when the portal sent it, so a client can measure how late events reach it.
/// </summary>
public sealed record JobProgressEvent(Guid JobId, int Step, int TotalSteps, string? PreviewPng, DateTimeOffset SentAtUtc) : IJobEvent;

public sealed record JobCompletedEvent(Guid JobId, IReadOnlyList<GenerationImageResponse> Images) : IJobEvent;

/// <summary>The job ended without images: status "failed" or "canceled", with the reason.</summary>
public sealed record JobFailedEvent(Guid JobId, string Status, string? Reason) : IJobEvent;

/// <summary>
/// <c>/hubs/generations</c>: a client subscribes to a job (its own, or any of its tenant's as an admin) or to its
/// tenant's admin feed. Every subscription is authorised on join by the REST API's rules (<see cref="HubAccess"/>), and
/// anything else answers "not found" (R16); the sign-in is checked again on every invocation
/// (<see cref="HubCallerFilter"/>) and the subscriptions whenever access changes (<see cref="HubReauthorizer"/>).
/// </summary>
[Authorize]
public sealed class GenerationHub(HubAccess access, HubConnections connections) : Hub<IGenerationClient>
{
    public const string Path = "/hubs/generations";

    public static string JobGroup(Guid jobId) => $"job:{jobId:N}";

    public static string TenantAdminsGroup(Guid tenantId) => $"tenant-admins:{tenantId:N}";

    public override Task OnConnectedAsync()
    {
        // HubCallerFilter has checked the sign-in; a principal without a user id cannot have passed it.
        connections.Add(Context, UserId(Context.User) ?? throw new HubException("Not signed in."));
        return Task.CompletedTask;
    }

    public override Task OnDisconnectedAsync(Exception? exception)
    {
        connections.Remove(Context.ConnectionId);
        return Task.CompletedTask;
    }

    /// <summary>Receives the events of job <paramref name="jobId"/> from now on.</summary>
    public Task SubscribeToJob(Guid jobId) => UnderGateAsync(async watcher =>
    {
        if (await access.FindWatchableJobAsync(Context.User, jobId, Context.ConnectionAborted) is not { } job)
        {
            throw new HubException("Not found.");
        }

        await Groups.AddToGroupAsync(Context.ConnectionId, JobGroup(jobId), Context.ConnectionAborted);
        watcher.AddJob(job);
    });

    public Task UnsubscribeFromJob(Guid jobId) => UnderGateAsync(async watcher =>
    {
        await Groups.RemoveFromGroupAsync(Context.ConnectionId, JobGroup(jobId));
        watcher.RemoveJob(jobId);
    });

    /// <summary>Receives the events of every job of <paramref name="tenantId"/>; admins of that tenant only.</summary>
    public Task SubscribeToTenant(Guid tenantId) => UnderGateAsync(async watcher =>
    {
        if (!await access.IsTenantAdminAsync(Context.User, tenantId, Context.ConnectionAborted))
        {
            throw new HubException("Not found.");
        }

        await Groups.AddToGroupAsync(Context.ConnectionId, TenantAdminsGroup(tenantId), Context.ConnectionAborted);
        watcher.AddAdminTenant(tenantId);
    });

    internal static Guid? UserId(ClaimsPrincipal? user) =>
        Guid.TryParse(user?.FindFirstValue(ClaimTypes.NameIdentifier), out var id) ? id : null;

    // Check-and-join runs under the connection's gate, so a re-check cannot slip between the check and the join.
    private async Task UnderGateAsync(Func<HubWatcher, Task> change)
    {
        var watcher = connections.Find(Context.ConnectionId) ?? throw new HubException("Not found.");
        await watcher.Gate.WaitAsync(Context.ConnectionAborted);
        try
        {
            await change(watcher);
        }
        finally
        {
            watcher.Gate.Release();
        }
    }
}
