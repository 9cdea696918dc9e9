using SdPortal.Inference.Engine;
using SdPortal.Inference.Pipeline;

namespace SdPortal.Inference.Jobs;

/// <summary>
/// How a generation job reaches the portal (ADR-005): it fetches its parameters, reports progress and hands over its
/// result or failure. The engine stays free of tenants and databases; the portal stores images, settles credits and
/// fans events out. Every call is idempotent by job, because Hangfire may run a job more than once.
/// </summary>
public interface IJobGateway
{
    /// <summary>Marks the job running on <paramref name="workerName"/> and returns what to run, or null when there is
    /// nothing to do (already finished, cancelled, or unknown).</summary>
    Task<JobTicket?> StartAsync(JobRef job, string workerName, CancellationToken cancellationToken);

    /// <summary>Publishes a step; answers true when the owner has asked to cancel.</summary>
    Task<bool> ReportProgressAsync(JobRef job, JobProgress progress, CancellationToken cancellationToken);

    /// <summary>Stores the images, captures the credits and marks the job succeeded (once, however often called).</summary>
    Task CompleteAsync(JobRef job, JobOutput output, CancellationToken cancellationToken);

    /// <summary>Marks the job failed with a reason for the user and releases its credits (once).</summary>
    Task FailAsync(JobRef job, string reason, CancellationToken cancellationToken);

    /// <summary>Marks the job cancelled at its owner's request and releases its credits (once).</summary>
    Task CancelledAsync(JobRef job, CancellationToken cancellationToken);

    /// <summary>The worker gives the job back (shutdown or a transient error): it will run again; nothing is settled.</summary>
    Task AbandonAsync(JobRef job, string reason, CancellationToken cancellationToken);

    /// <summary>A worker's periodic description of its devices, for the operators' pool page. Best effort, not per job.</summary>
    Task ReportWorkerAsync(WorkerReport report, CancellationToken cancellationToken);
}

/// <summary>The ids a job carries: opaque to the engine, meaningful to the portal.</summary>
public readonly record struct JobRef(Guid TenantId, Guid JobId);

/// <summary>What a worker runs.</summary>
public sealed record JobTicket(string Model, GenerationRequest Request);

/// <summary>A step of a running job, with the pipeline's small preview PNG on some steps.</summary>
public sealed record JobProgress(int Step, int TotalSteps, byte[]? PreviewPng);

/// <summary>A finished job's images and timings, and the device that ran it.</summary>
public sealed record JobOutput(IReadOnlyList<GeneratedImage> Images, ulong Seed, GenerationTimings Timings, string Device);

/// <summary>What a worker process serves: its name (as jobs record it) and each device's status.</summary>
public sealed record WorkerReport(string WorkerName, IReadOnlyList<DeviceStatus> Devices);
