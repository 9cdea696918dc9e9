namespace SdPortal.Inference.Jobs.Remote;

/// <summary>
/// The internal HTTP API between inference hosts and the web node (ADR-005): one POST route per
/// <see cref="IJobGateway"/> call under <c>/internal/jobs/{tenantId}/{jobId}/</c>, plus the worker report at
/// <see cref="WorkerReportRoute"/>, authenticated by the shared host token in <see cref="TokenHeader"/>. Both sides use these names, so the paths cannot drift apart.
/// </summary>
public static class InternalJobApi
{
    /// <summary>The request header carrying <c>Jobs:HostToken</c>.</summary>
    public const string TokenHeader = "X-SdPortal-Host-Token";

    /// <summary>Everything under this path needs the host token; nothing else does.</summary>
    public const string Prefix = "/internal";

    /// <summary>The route template of a job's calls, relative to the site root.</summary>
    public const string JobRoute = "/internal/jobs/{tenantId:guid}/{jobId:guid}";

    public const string Start = "start";
    public const string Progress = "progress";
    public const string Complete = "complete";
    public const string Fail = "fail";
    public const string Cancelled = "cancelled";
    public const string Abandon = "abandon";

    /// <summary>The route of a worker's periodic device report (<see cref="IJobGateway.ReportWorkerAsync"/>).</summary>
    public const string WorkerReportRoute = "/internal/workers/report";

    /// <summary>The path of <paramref name="action"/> for <paramref name="job"/>, relative to the portal's base address.</summary>
    public static string JobPath(JobRef job, string action) => $"internal/jobs/{job.TenantId}/{job.JobId}/{action}";
}
