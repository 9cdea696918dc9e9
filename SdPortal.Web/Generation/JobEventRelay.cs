namespace SdPortal.Web.Generation;

/// <summary>
/// Carries a job event to the circuits of every web node: this node's <see cref="JobEventFeed"/> at once, and with
/// Redis the other nodes' feeds through a pub/sub channel (<see cref="SharedState.RedisJobEventRelay"/>), since the
/// host reports a job to whichever node the load balancer picks while its owner's circuit lives on another.
/// </summary>
public abstract class JobEventRelay
{
    public abstract ValueTask PublishAsync(IJobEvent e);
}
