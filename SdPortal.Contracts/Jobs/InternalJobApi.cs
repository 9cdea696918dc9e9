namespace SdPortal.Contracts.Jobs;

/// <summary>
/// The internal HTTP API between inference hosts and the web node (ADR-005, ADR-015): one POST route per
/// <c>IJobGateway</c> call, <c>start</c> under <c>/internal/jobs/{tenantId}/{jobId}/</c> and the lease holder's
/// calls under <c>/internal/jobs/{tenantId}/{jobId}/leases/{leaseId}/</c>, plus the worker report at
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

    /// <summary>The route template of a lease holder's calls, relative to the site root.</summary>
    public const string LeaseRoute = "/internal/jobs/{tenantId:guid}/{jobId:guid}/leases/{leaseId:guid}";

    public const string Start = "start";
    public const string Renew = "renew";
    public const string Progress = "progress";
    public const string Complete = "complete";
    public const string Fail = "fail";
    public const string Cancelled = "cancelled";
    public const string Abandon = "abandon";

    /// <summary>The lease holder's GET of an adapter file its job names, by SHA-256: <c>…/adapters/{sha256}</c>.</summary>
    public const string Adapters = "adapters";

    /// <summary>The route of a worker's periodic device report (<c>IJobGateway.ReportWorkerAsync</c>).</summary>
    public const string WorkerReportRoute = "/internal/workers/report";

    /// <summary>The path of <paramref name="action"/> for a job, relative to the portal's base address.</summary>
    public static string JobPath(Guid tenantId, Guid jobId, string action) => $"internal/jobs/{tenantId}/{jobId}/{action}";

    /// <summary>The path of the adapter file <paramref name="sha256"/> for the holder of a job's lease.</summary>
    public static string AdapterPath(Guid tenantId, Guid jobId, Guid leaseId, string sha256) =>
        LeasePath(tenantId, jobId, leaseId, $"{Adapters}/{sha256}");

    /// <summary>The path of <paramref name="action"/> for the holder of a job's lease.</summary>
    public static string LeasePath(Guid tenantId, Guid jobId, Guid leaseId, string action) =>
        $"internal/jobs/{tenantId}/{jobId}/leases/{leaseId}/{action}";
}
