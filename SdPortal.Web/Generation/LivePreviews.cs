using System.Collections.Concurrent;

namespace SdPortal.Web.Generation;

/// <summary>
/// The latest preview of each running job reported to this web node, served as a small PNG by
/// <c>GET /api/v1/generations/{id}/preview</c>: the page shows previews as image URLs, so no image bytes travel over
/// the circuit (R23). Dropped when the job ends.
/// </summary>
public sealed class LivePreviews
{
    private readonly ConcurrentDictionary<Guid, Preview> _previews = new();

    public Preview? Find(Guid jobId) => _previews.GetValueOrDefault(jobId);

    public void Set(Guid jobId, int step, byte[] png) => _previews[jobId] = new Preview(step, png);

    public void Remove(Guid jobId) => _previews.TryRemove(jobId, out _);

    /// <summary>A preview PNG and the step it shows.</summary>
    public sealed record Preview(int Step, byte[] Png);
}
