using SdPortal.Data.Tenancy;

namespace SdPortal.Data.Generation;

/// <summary>One generation job: its spec, lifecycle, timings and the credits reserved for it.</summary>
public sealed class GenerationJob : ITenantOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    public Guid TenantId { get; set; }

    /// <summary>The member who submitted the job.</summary>
    public Guid UserId { get; set; }

    public GenerationJobStatus Status { get; set; } = GenerationJobStatus.Queued;

    /// <summary>
    /// The job's <c>GenerationSpec</c> as accepted (model resolved, sampler by its canonical name), in its one JSON form
    /// (<c>GenerationSpecJson</c>): every parameter, persisted unchanged and handed unchanged to the worker.
    /// </summary>
    public required string Spec { get; set; }

    /// <summary>The spec's prompt, kept beside it for the gallery's text search only; the spec owns it.</summary>
    public required string Prompt { get; set; }

    /// <summary>The spec's model key, e.g. "sd15", beside it for the dispatcher's model affinity and listings.</summary>
    public required string Model { get; set; }

    /// <summary>The denoising steps that run (the spec's <c>DenoisingSteps</c>): progress counts to it.</summary>
    public int TotalSteps { get; set; }

    /// <summary>The seed of the first image: the spec's, or the one drawn for it once the job ran; null until chosen.</summary>
    public long? Seed { get; set; }

    /// <summary>Credits reserved in the ledger when the job was accepted.</summary>
    public long ReservedCredits { get; set; }

    public DateTime CreatedAtUtc { get; set; }

    /// <summary>When the dispatcher handed the job to the execution queue (Hangfire).</summary>
    public DateTime? DispatchedAtUtc { get; set; }

    public DateTime? StartedAtUtc { get; set; }

    public DateTime? CompletedAtUtc { get; set; }

    /// <summary>Why the job failed, for the user; null unless <see cref="Status"/> is Failed.</summary>
    public string? Error { get; set; }

    /// <summary>The last denoising step reported (1-based); 0 before the first.</summary>
    public int Step { get; set; }

    /// <summary>How many times a worker started the job; bounded by <c>Generation:MaxAttempts</c> (see <see cref="JobStates"/>).</summary>
    public int Attempts { get; set; }

    /// <summary>
    /// The running execution's lease, issued at start; null unless <see cref="Status"/> is Running. Only its holder may
    /// renew, report or settle the job, so a worker that lost the job (it hung, died or was cut off) cannot settle it.
    /// </summary>
    public Guid? LeaseId { get; set; }

    /// <summary>When the lease lapses unless its worker renews it; past it any web node recovers the job.</summary>
    public DateTime? LeaseExpiresAtUtc { get; set; }

    /// <summary>How often the job was taken back from a lapsed lease or a stranded dispatch (shared by every web node).</summary>
    public int Recoveries { get; set; }

    /// <summary>The worker (process and device) that last started the job.</summary>
    public string? WorkerName { get; set; }

    /// <summary>Set when the owner asked to cancel a running job; the worker stops within one step.</summary>
    public DateTime? CancelRequestedAtUtc { get; set; }

    /// <summary>Stage timings of the successful run as JSON (text encoding, denoising, decoding, total).</summary>
    public string? TimingsJson { get; set; }

    /// <summary>
    /// The W3C <c>traceparent</c> of the span that submitted the job (null when no one traced it): the dispatcher, the
    /// host's run and the settlement continue that trace, so one job is one trace whichever web node or host touches it.
    /// </summary>
    public string? TraceParent { get; set; }

    /// <summary>What the user should know about the finished run (e.g. a plain-syntax prompt cut at 75 tokens), one per line.</summary>
    public string? Warnings { get; set; }
}

/// <summary>Where a generation job is in its lifecycle.</summary>
public enum GenerationJobStatus
{
    /// <summary>Accepted and waiting for the fair dispatcher.</summary>
    Queued = 0,
    Running = 1,
    Succeeded = 2,
    Failed = 3,
    Cancelled = 4,

    /// <summary>Handed to the execution queue by the fair dispatcher; not yet started by a worker.</summary>
    Dispatched = 5,
}
