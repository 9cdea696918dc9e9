namespace SdPortal.Data.Generation;

/// <summary>
/// The one table of a generation job's legal moves. Every write of <see cref="GenerationJob.Status"/> names one of
/// these transitions and updates the row only where its status is one of the transition's origins, so two writers racing
/// (web nodes, workers, sweepers) move a job once and an illegal move cannot be written.
/// <code>
/// Queued ──claim──▶ Dispatched ──start──▶ Running ──succeed──▶ Succeeded
///   ▲  ╲──────────────start──────────────▲  │ ╲──fail────────▶ Failed
///   └──── requeue (unclaim, stranded, hand-back, lapsed lease) ┘  ╲─cancel──────▶ Canceled
/// </code>
/// Owners and deadlines of the open states: Queued belongs to the dispatcher (it waits for a free worker); Dispatched
/// to Hangfire's queue (recovered once it is older than <c>Generation:StrandedAfterSeconds</c> with no live Hangfire
/// execution); Running to the worker holding <see cref="GenerationJob.LeaseId"/> until <see cref="GenerationJob.LeaseExpiresAtUtc"/>.
/// </summary>
public static class JobStates
{
    /// <summary>The states a job is still in flight in.</summary>
    public static readonly IReadOnlyList<GenerationJobStatus> Open =
        [GenerationJobStatus.Queued, GenerationJobStatus.Dispatched, GenerationJobStatus.Running];

    /// <summary>The dispatcher hands a queued job to Hangfire.</summary>
    public static readonly JobTransition Claim = new("claim", GenerationJobStatus.Dispatched, GenerationJobStatus.Queued);

    /// <summary>A worker takes the job and a new lease. A re-delivered Hangfire job of a requeued row may start it from Queued.</summary>
    public static readonly JobTransition Start = new("start", GenerationJobStatus.Running, GenerationJobStatus.Queued, GenerationJobStatus.Dispatched);

    /// <summary>The lease holder extends its lease.</summary>
    public static readonly JobTransition Renew = new("renew", GenerationJobStatus.Running, GenerationJobStatus.Running);

    /// <summary>Back to the queue: an enqueue that failed, a stranded dispatch, a worker handing the job back, a lapsed lease.</summary>
    public static readonly JobTransition Requeue = new("requeue", GenerationJobStatus.Queued, GenerationJobStatus.Dispatched, GenerationJobStatus.Running);

    /// <summary>The lease holder's images are stored and the credits captured.</summary>
    public static readonly JobTransition Succeed = new("succeed", GenerationJobStatus.Succeeded, GenerationJobStatus.Running);

    /// <summary>The job ends without images and its credits are released.</summary>
    public static readonly JobTransition Fail = new("fail", GenerationJobStatus.Failed, GenerationJobStatus.Queued, GenerationJobStatus.Dispatched, GenerationJobStatus.Running);

    /// <summary>The owner's cancel takes effect and the credits are released.</summary>
    public static readonly JobTransition Cancel = new("cancel", GenerationJobStatus.Cancelled, GenerationJobStatus.Queued, GenerationJobStatus.Dispatched, GenerationJobStatus.Running);

    /// <summary>Every transition, for tests and documentation.</summary>
    public static readonly IReadOnlyList<JobTransition> All = [Claim, Start, Renew, Requeue, Succeed, Fail, Cancel];

    public static bool IsTerminal(GenerationJobStatus status) =>
        status is GenerationJobStatus.Succeeded or GenerationJobStatus.Failed or GenerationJobStatus.Cancelled;

    /// <summary>Whether some transition moves a job from <paramref name="from"/> to <paramref name="to"/>.</summary>
    public static bool IsLegal(GenerationJobStatus from, GenerationJobStatus to) => All.Any(t => t.To == to && t.From.Contains(from));
}

/// <summary>One named move of <see cref="JobStates"/>: the states it may start from and the state it ends in.</summary>
public sealed record JobTransition(string Name, GenerationJobStatus To, params GenerationJobStatus[] From);
