namespace SdPortal.Web.Generation;

/// <summary><see cref="JobEventRelay"/> of the one web node of the embedded default: the local feed only.</summary>
public sealed class MemoryJobEventRelay(JobEventFeed feed) : JobEventRelay
{
    public override ValueTask PublishAsync(IJobEvent e)
    {
        feed.Publish(e);
        return ValueTask.CompletedTask;
    }
}
