using System.Collections.Concurrent;

namespace SdPortal.Web.Generation;

/// <summary><see cref="LivePreviews"/> of the one web node of the embedded default.</summary>
public sealed class MemoryLivePreviews : LivePreviews
{
    private readonly ConcurrentDictionary<Guid, Preview> _previews = new();

    public override ValueTask<Preview?> FindAsync(Guid jobId) => ValueTask.FromResult(_previews.GetValueOrDefault(jobId));

    public override ValueTask SetAsync(Guid jobId, int step, byte[] png)
    {
        _previews[jobId] = new Preview(step, png);
        return ValueTask.CompletedTask;
    }

    public override ValueTask RemoveAsync(Guid jobId)
    {
        _previews.TryRemove(jobId, out _);
        return ValueTask.CompletedTask;
    }
}
