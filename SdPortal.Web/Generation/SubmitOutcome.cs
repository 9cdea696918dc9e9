using SdPortal.Data.Generation;

namespace SdPortal.Web.Generation;

/// <summary>What a submission came to; exactly one of the cases.</summary>
public abstract record SubmitOutcome
{
    /// <summary>Accepted: the job row and its reservation are committed.</summary>
    public sealed record Accepted(GenerationJob Job, QueueSpot Spot) : SubmitOutcome;

    /// <summary>Field errors (engine rules or tenant limits); nothing written.</summary>
    public sealed record Invalid(IDictionary<string, string[]> Errors) : SubmitOutcome
    {
        /// <summary>
        /// Every error is about the input images the spec names (none of the caller's, or a mask of another size): the
        /// request is well-formed and within the rules, so the API answers 422 rather than 400.
        /// </summary>
        public bool OnlyUnusableInputs { get; init; }
    }

    /// <summary>The balance does not cover the cost; nothing written.</summary>
    public sealed record InsufficientCredits(long Cost, long Balance) : SubmitOutcome;

    /// <summary>
    /// The idempotency key already names a job accepted for a different request; nothing written. Answering that job
    /// instead would hand a retried-but-changed request someone else's result silently.
    /// </summary>
    public sealed record KeyReused(string IdempotencyKey, Guid JobId) : SubmitOutcome;

    /// <summary>Over the tenant's submissions per minute; nothing written.</summary>
    public sealed record RateLimited(TimeSpan RetryAfter) : SubmitOutcome;
}

/// <summary>
/// A queued job's place: 1 = next to start; 0 = already handed to a worker. <paramref name="WaitingForGpu"/>: no worker
/// serves the queue at all (the GPU pool is scaled to zero or its first host is starting), so there is no ETA to give;
/// the autoscaler starts a host on the backlog in the job table and the first host to come up takes the job (ADR-024).
/// </summary>
public sealed record QueueSpot(int Position, double EstimatedStartSeconds, string? WaitReason = null, bool WaitingForGpu = false);
