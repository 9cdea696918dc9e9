using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using SdPortal.Contracts.Jobs;
using SdPortal.Data;
using SdPortal.Data.Images;
using SdPortal.Data.Tenancy;
using SdPortal.Inference.Jobs;
using SdPortal.Inference.Jobs.Remote;
using SdPortal.Web.Adapters;
using SdPortal.Web.Api;

namespace SdPortal.Web.Generation;

/// <summary>
/// <c>/internal/jobs/{tenantId}/{jobId}/start</c>, the lease holder's <c>/internal/jobs/{tenantId}/{jobId}/leases/{leaseId}/…</c>
/// and <c>/internal/workers/report</c>: the inference hosts' side of
/// <see cref="IJobGateway"/>, forwarded to the portal's own gateway, so a job settles the same way whichever process ran it. Guarded by
/// <see cref="HostTokenMiddleware"/>; every call is idempotent by job, so a host may retry any of them.
/// </summary>
internal static class InternalJobEndpoints
{
    public static void MapInternalJobEndpoints(this WebApplication app)
    {
        app.UseWhen(c => c.Request.Path.StartsWithSegments(InternalJobApi.Prefix), branch => branch.UseMiddleware<HostTokenMiddleware>());
        app.MapGroup(InternalJobApi.JobRoute).ExcludeFromDescription().MapPost(InternalJobApi.Start, StartAsync);
        var lease = app.MapGroup(InternalJobApi.LeaseRoute).ExcludeFromDescription();
        lease.MapPost(InternalJobApi.Renew, RenewAsync);
        lease.MapPost(InternalJobApi.Progress, ProgressAsync);
        lease.MapPost(InternalJobApi.Complete, CompleteAsync).WithBodyLimit(RequestBodyLimits.HostResults);
        lease.MapPost(InternalJobApi.Fail, FailAsync);
        lease.MapPost(InternalJobApi.Cancelled, CancelledAsync);
        lease.MapPost(InternalJobApi.Abandon, AbandonAsync);
        lease.MapGet(InternalJobApi.Adapters + "/{sha256}", AdapterFileAsync);
        app.MapPost(InternalJobApi.WorkerReportRoute, ReportWorkerAsync).ExcludeFromDescription();
    }

    private static async Task<NoContent> ReportWorkerAsync(WorkerReport report, IJobGateway gateway, CancellationToken ct)
    {
        await gateway.ReportWorkerAsync(report, ct);
        return TypedResults.NoContent();
    }

    private static async Task<Results<Ok<JobTicketBody>, NoContent>> StartAsync(
        Guid tenantId, Guid jobId, StartJobBody body, IJobGateway gateway, CancellationToken ct) =>
        await gateway.StartAsync(new JobRef(tenantId, jobId), body.WorkerName, ct) is { } ticket
            ? TypedResults.Ok(ticket.ToBody())
            : TypedResults.NoContent();

    private static async Task<Ok<RenewAnswer>> RenewAsync(Guid tenantId, Guid jobId, Guid leaseId, IJobGateway gateway, CancellationToken ct) =>
        TypedResults.Ok((await gateway.RenewAsync(Lease(tenantId, jobId, leaseId), ct)).ToAnswer());

    private static async Task<Ok<ProgressAnswer>> ProgressAsync(Guid tenantId, Guid jobId, Guid leaseId, ProgressBody body, IJobGateway gateway, CancellationToken ct) =>
        TypedResults.Ok(new ProgressAnswer(await gateway.ReportProgressAsync(
            Lease(tenantId, jobId, leaseId), new JobProgress(body.Step, body.TotalSteps, body.PreviewPng), ct)));

    private static async Task<Ok<CompleteAnswer>> CompleteAsync(Guid tenantId, Guid jobId, Guid leaseId, CompleteBody body, IJobGateway gateway, CancellationToken ct) =>
        TypedResults.Ok(new CompleteAnswer(await gateway.CompleteAsync(Lease(tenantId, jobId, leaseId), body.ToOutput(), ct)));

    private static async Task<NoContent> FailAsync(Guid tenantId, Guid jobId, Guid leaseId, ReasonBody body, IJobGateway gateway, CancellationToken ct)
    {
        await gateway.FailAsync(Lease(tenantId, jobId, leaseId), body.Reason, ct);
        return TypedResults.NoContent();
    }

    private static async Task<NoContent> CancelledAsync(Guid tenantId, Guid jobId, Guid leaseId, IJobGateway gateway, CancellationToken ct)
    {
        await gateway.CancelledAsync(Lease(tenantId, jobId, leaseId), ct);
        return TypedResults.NoContent();
    }

    private static async Task<NoContent> AbandonAsync(Guid tenantId, Guid jobId, Guid leaseId, AbandonBody body, IJobGateway gateway, CancellationToken ct)
    {
        await gateway.AbandonAsync(Lease(tenantId, jobId, leaseId), body.Reason, body.CountsAsAttempt, ct);
        return TypedResults.NoContent();
    }

    /// <summary>
    /// An adapter file for the holder of a running job's lease, by hash: only one its job's owner may use, of the job's
    /// tenant; anything else answers 404 like an unknown id.
    /// </summary>
    private static async Task<IResult> AdapterFileAsync(
        Guid tenantId, Guid jobId, Guid leaseId, string sha256, IServiceScopeFactory scopes, IImageStore store, CancellationToken ct)
    {
        await using var scope = scopes.CreateTenantScope(tenantId);
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        var owner = await db.GenerationJobs.AsNoTracking().Where(j => j.Id == jobId).Where(JobLifecycle.HeldBy(leaseId))
            .Select(j => (Guid?)j.UserId).SingleOrDefaultAsync(ct);
        if (owner is null)
        {
            return TypedResults.NotFound();
        }

        var hash = sha256.ToLowerInvariant();
        var adapter = await scope.ServiceProvider.GetRequiredService<LoraAdapterAccess>().UsableBy(owner.Value)
            .Where(a => a.ContentHash == hash).Select(a => a.ContentPath).FirstOrDefaultAsync(ct);
        return adapter is not null && store.OpenRead(tenantId, adapter) is { } file
            ? TypedResults.Stream(file, "application/octet-stream")
            : TypedResults.NotFound();
    }

    private static JobLease Lease(Guid tenantId, Guid jobId, Guid leaseId) => new(new JobRef(tenantId, jobId), leaseId);
}
