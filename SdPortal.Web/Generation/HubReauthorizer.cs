using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;
using SdPortal.Web.Api.Access;

namespace SdPortal.Web.Generation;

/// <summary>
/// Keeps each hub connection's subscriptions within what its user may see now (R29). A change made on this node
/// (<see cref="AccessChangeInterceptor"/>) re-checks the affected connections at once; every
/// <see cref="GenerationOptions.HubReauthorizeSeconds"/> every connection of this node is re-checked, which bounds how
/// long a change made on another node (or straight in the database) goes unnoticed. A connection whose user is no longer
/// valid (disabled, security stamp changed, gone) leaves every group and is aborted; otherwise it leaves the groups it
/// may no longer be in: the tenant-admins group of a tenant where it is no longer an admin, and the groups of jobs it no
/// longer sees (<see cref="JobVisibility"/>).
/// </summary>
public sealed partial class HubReauthorizer(
    HubConnections connections,
    HubAccess access,
    IHubContext<GenerationHub, IGenerationClient> hub,
    IOptions<GenerationOptions> options,
    TimeProvider time,
    ILogger<HubReauthorizer> logger) : BackgroundService
{
    /// <summary>Re-checks the connections of <paramref name="users"/> and those subscribed to anything of <paramref name="tenants"/>.</summary>
    public async Task RecheckAsync(IReadOnlySet<Guid> users, IReadOnlySet<Guid> tenants, CancellationToken ct)
    {
        foreach (var watcher in connections.Affected(users, tenants))
        {
            await RecheckOneAsync(watcher, ct);
        }
    }

    /// <summary>Re-checks every connection of this node; the periodic pass, public for tests.</summary>
    public async Task RecheckAllAsync(CancellationToken ct)
    {
        foreach (var watcher in connections.All())
        {
            await RecheckOneAsync(watcher, ct);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.Value.HubReauthorizeSeconds), time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await RecheckAllAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }

    private async Task RecheckOneAsync(HubWatcher watcher, CancellationToken ct)
    {
        await watcher.Gate.WaitAsync(ct);
        try
        {
            await ApplyAsync(watcher, ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            // A database error keeps the connection as it is until the next pass (or its next invocation, which is
            // checked too); dropping every client's feed on a blip would be an outage, not a defence.
            LogRecheckFailed(logger, ex, watcher.ConnectionId);
        }
        finally
        {
            watcher.Gate.Release();
        }
    }

    private async Task ApplyAsync(HubWatcher watcher, CancellationToken ct)
    {
        if (!await access.IsActiveUserAsync(watcher.User, ct))
        {
            foreach (var job in watcher.Jobs)
            {
                await LeaveJobAsync(watcher, job.JobId);
            }

            foreach (var tenant in watcher.AdminTenants)
            {
                await LeaveTenantAsync(watcher, tenant);
            }

            LogAborted(logger, watcher.ConnectionId, watcher.UserId);
            watcher.Context.Abort();
            return;
        }

        var callers = new Dictionary<Guid, PortalCaller?>();
        async Task<PortalCaller?> CallerIn(Guid tenantId)
        {
            if (!callers.TryGetValue(tenantId, out var caller))
            {
                callers[tenantId] = caller = await access.MemberOfAsync(watcher.User, tenantId, ct);
            }

            return caller;
        }

        foreach (var tenant in watcher.AdminTenants)
        {
            if (await CallerIn(tenant) is not { IsAdmin: true })
            {
                await LeaveTenantAsync(watcher, tenant);
            }
        }

        foreach (var job in watcher.Jobs)
        {
            if (await CallerIn(job.TenantId) is not { } caller || !JobVisibility.CanSee(caller, job.OwnerUserId))
            {
                await LeaveJobAsync(watcher, job.JobId);
            }
        }
    }

    private async Task LeaveJobAsync(HubWatcher watcher, Guid jobId)
    {
        // Not the caller's token: leaving must finish even while the node shuts down or the change's request ends.
        await hub.Groups.RemoveFromGroupAsync(watcher.ConnectionId, GenerationHub.JobGroup(jobId), CancellationToken.None);
        watcher.RemoveJob(jobId);
        LogLeftJob(logger, watcher.ConnectionId, watcher.UserId, jobId);
    }

    private async Task LeaveTenantAsync(HubWatcher watcher, Guid tenantId)
    {
        await hub.Groups.RemoveFromGroupAsync(watcher.ConnectionId, GenerationHub.TenantAdminsGroup(tenantId), CancellationToken.None);
        watcher.RemoveAdminTenant(tenantId);
        LogLeftTenant(logger, watcher.ConnectionId, watcher.UserId, tenantId);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Re-checking hub connection {ConnectionId} failed; it is checked again on the next pass")]
    private static partial void LogRecheckFailed(ILogger logger, Exception exception, string connectionId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Hub connection {ConnectionId} of user {UserId} aborted: the sign-in is no longer valid")]
    private static partial void LogAborted(ILogger logger, string connectionId, Guid userId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Hub connection {ConnectionId} of user {UserId} left job {JobId}: no longer visible")]
    private static partial void LogLeftJob(ILogger logger, string connectionId, Guid userId, Guid jobId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Hub connection {ConnectionId} of user {UserId} left the admin feed of tenant {TenantId}")]
    private static partial void LogLeftTenant(ILogger logger, string connectionId, Guid userId, Guid tenantId);
}
