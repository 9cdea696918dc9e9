namespace SdPortal.Web.Generation;

/// <summary>
/// The latest preview of each running job, served as a small PNG by <c>GET /api/v1/generations/{id}/preview</c>: the
/// page shows previews as image URLs, so no image bytes travel over the circuit (R23). Dropped when the job ends. In
/// memory on one node (<see cref="MemoryLivePreviews"/>); shared by every web node when Redis is configured
/// (<see cref="SharedState.RedisLivePreviews"/>), since the host may report to any node and the browser ask another.
/// </summary>
public abstract class LivePreviews
{
    public abstract ValueTask<Preview?> FindAsync(Guid jobId);

    public abstract ValueTask SetAsync(Guid jobId, int step, byte[] png);

    public abstract ValueTask RemoveAsync(Guid jobId);

    /// <summary>A preview PNG and the step it shows.</summary>
    public sealed record Preview(int Step, byte[] Png);
}
