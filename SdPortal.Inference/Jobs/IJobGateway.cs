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
    /// <summary>Marks the job running on <paramref name="workerName"/> under a new lease and returns what to run, or
    /// null when there is nothing to do (finished, cancelled, unknown, or held by another worker's live lease).</summary>
    Task<JobTicket?> StartAsync(JobRef job, string workerName, CancellationToken cancellationToken);

    /// <summary>Extends the lease; answers whether it is still held and whether the owner asked to cancel.</summary>
    Task<LeaseState> RenewAsync(JobLease lease, CancellationToken cancellationToken);

    /// <summary>Publishes a step; answers true when the owner has asked to cancel.</summary>
    Task<bool> ReportProgressAsync(JobLease lease, JobProgress progress, CancellationToken cancellationToken);

    /// <summary>Stores the images, captures the credits and marks the job succeeded, once however often called;
    /// answers false when the result was discarded (the lease had been lost: the job was recovered or ended elsewhere).</summary>
    Task<bool> CompleteAsync(JobLease lease, JobOutput output, CancellationToken cancellationToken);

    /// <summary>Marks the job failed with a reason for the user and releases its credits (once).</summary>
    Task FailAsync(JobLease lease, string reason, CancellationToken cancellationToken);

    /// <summary>Marks the job cancelled at its owner's request and releases its credits (once).</summary>
    Task CancelledAsync(JobLease lease, CancellationToken cancellationToken);

    /// <summary>
    /// The worker gives the job back: it goes back to the queue, or fails once its attempts are used up. A hand-back at
    /// shutdown does not count as an attempt (<paramref name="countsAsAttempt"/> false); one after an error does.
    /// </summary>
    Task AbandonAsync(JobLease lease, string reason, bool countsAsAttempt, CancellationToken cancellationToken);

    /// <summary>A worker's periodic description of its devices, for the operators' pool page. Best effort, not per job.</summary>
    Task ReportWorkerAsync(WorkerReport report, CancellationToken cancellationToken);
}

/// <summary>The ids a job carries: opaque to the engine, meaningful to the portal.</summary>
public readonly record struct JobRef(Guid TenantId, Guid JobId);

/// <summary>A worker's hold on a running job: only the holder of the current lease may report on or settle it.</summary>
public readonly record struct JobLease(JobRef Job, Guid LeaseId);

/// <summary>What a worker runs — the model and the spec, with its input images' files in <see cref="GenerationSpec.Inputs"/> — and the terms of its lease.</summary>
public sealed record JobTicket(string Model, GenerationSpec Spec, LeaseTerms Lease)
{
    /// <summary>
    /// The SHA-256 of each adapter file the spec names, by name, when the files travel apart from the ticket (to a
    /// remote host, which fetches the ones it lacks); empty when they are in <see cref="GenerationSpec.Inputs"/>.
    /// </summary>
    public IReadOnlyDictionary<string, string> AdapterHashes { get; init; } = new Dictionary<string, string>();
}

/// <summary>
/// A lease as the portal grants it: renew every third of <paramref name="Duration"/>; a run that reports no step for
/// <paramref name="StallAfter"/> is hung and gives the job up.
/// </summary>
public sealed record LeaseTerms(Guid Id, TimeSpan Duration, TimeSpan StallAfter)
{
    /// <summary>How often the worker renews: three chances before the lease lapses.</summary>
    public TimeSpan RenewEvery => Duration / 3;
}

/// <summary>The portal's answer to a renewal.</summary>
public enum LeaseState
{
    /// <summary>Renewed: keep going.</summary>
    Held = 0,

    /// <summary>Renewed, and the owner asked to cancel: stop and report <see cref="IJobGateway.CancelledAsync"/>.</summary>
    CancelRequested = 1,

    /// <summary>Not renewed: the job was recovered or ended elsewhere; stop and settle nothing.</summary>
    Lost = 2,
}

/// <summary>A step of a running job, with the pipeline's small preview PNG on some steps.</summary>
public sealed record JobProgress(int Step, int TotalSteps, byte[]? PreviewPng);

/// <summary>A finished job's images and timings, and the device that ran it.</summary>
public sealed record JobOutput(IReadOnlyList<GeneratedImage> Images, ulong Seed, GenerationTimings Timings, string Device)
{
    /// <summary>What the user should be told about the run (<see cref="GenerationResult.Warnings"/>).</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];
}

/// <summary>What a worker process serves: its name (as jobs record it) and each device's status.</summary>
public sealed record WorkerReport(string WorkerName, IReadOnlyList<DeviceStatus> Devices);
