using Microsoft.AspNetCore.Http.HttpResults;
using SdPortal.Inference.Jobs;
using SdPortal.Inference.Jobs.Remote;

namespace SdPortal.Web.Generation;

/// <summary>
/// <c>/internal/jobs/{tenantId}/{jobId}/…</c> and <c>/internal/workers/report</c>: the inference hosts' side of
/// <see cref="IJobGateway"/>, forwarded to the portal's own gateway, so a job settles the same way whichever process ran it. Guarded by
/// <see cref="HostTokenMiddleware"/>; every call is idempotent by job, so a host may retry any of them.
/// </summary>
internal static class InternalJobEndpoints
{
    public static void MapInternalJobEndpoints(this WebApplication app)
    {
        app.UseWhen(c => c.Request.Path.StartsWithSegments(InternalJobApi.Prefix), branch => branch.UseMiddleware<HostTokenMiddleware>());
        var job = app.MapGroup(InternalJobApi.JobRoute).ExcludeFromDescription();
        job.MapPost(InternalJobApi.Start, StartAsync);
        job.MapPost(InternalJobApi.Progress, ProgressAsync);
        job.MapPost(InternalJobApi.Complete, CompleteAsync);
        job.MapPost(InternalJobApi.Fail, FailAsync);
        job.MapPost(InternalJobApi.Cancelled, CancelledAsync);
        job.MapPost(InternalJobApi.Abandon, AbandonAsync);
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
            ? TypedResults.Ok(JobTicketBody.From(ticket))
            : TypedResults.NoContent();

    private static async Task<Ok<ProgressAnswer>> ProgressAsync(Guid tenantId, Guid jobId, ProgressBody body, IJobGateway gateway, CancellationToken ct) =>
        TypedResults.Ok(new ProgressAnswer(await gateway.ReportProgressAsync(
            new JobRef(tenantId, jobId), new JobProgress(body.Step, body.TotalSteps, body.PreviewPng), ct)));

    private static async Task<NoContent> CompleteAsync(Guid tenantId, Guid jobId, CompleteBody body, IJobGateway gateway, CancellationToken ct)
    {
        await gateway.CompleteAsync(new JobRef(tenantId, jobId), body.ToOutput(), ct);
        return TypedResults.NoContent();
    }

    private static async Task<NoContent> FailAsync(Guid tenantId, Guid jobId, ReasonBody body, IJobGateway gateway, CancellationToken ct)
    {
        await gateway.FailAsync(new JobRef(tenantId, jobId), body.Reason, ct);
        return TypedResults.NoContent();
    }

    private static async Task<NoContent> CancelledAsync(Guid tenantId, Guid jobId, IJobGateway gateway, CancellationToken ct)
    {
        await gateway.CancelledAsync(new JobRef(tenantId, jobId), ct);
        return TypedResults.NoContent();
    }

    private static async Task<NoContent> AbandonAsync(Guid tenantId, Guid jobId, ReasonBody body, IJobGateway gateway, CancellationToken ct)
    {
        await gateway.AbandonAsync(new JobRef(tenantId, jobId), body.Reason, ct);
        return TypedResults.NoContent();
    }
}
