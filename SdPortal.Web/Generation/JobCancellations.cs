namespace SdPortal.Web.Generation;

/// <summary>
/// Cancel requests of running jobs: the gateway answers the job's next progress report with "cancel", so the worker
/// stops within one step. The request is also stored on the job row (the durable truth), which the gateway reads at
/// start and at most once a second. In memory on one node (<see cref="MemoryJobCancellations"/>); in Redis with
/// several (<see cref="SharedState.RedisJobCancellations"/>), so the node the host reports to sees it at once.
/// </summary>
public abstract class JobCancellations
{
    /// <summary>How long a request is kept when the job's end never forgets it (a lost web node).</summary>
    public static readonly TimeSpan KeepFor = TimeSpan.FromHours(1);

    public abstract ValueTask RequestAsync(Guid jobId);

    public abstract ValueTask<bool> IsRequestedAsync(Guid jobId);

    public abstract ValueTask ForgetAsync(Guid jobId);
}
