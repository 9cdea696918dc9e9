using System.Collections.Concurrent;
using System.Collections.Immutable;

namespace SdPortal.Web.Generation;

/// <summary>An event of one job, as the hub sends it; the circuits of this web node receive the same records.</summary>
public interface IJobEvent
{
    Guid JobId { get; }
}

/// <summary>
/// The in-process twin of the hub (ADR-009): <see cref="GenerationEvents"/> publishes every job event here as well,
/// and a circuit that may see a job subscribes to it without a SignalR connection to its own server. Subscribing checks
/// nothing: callers check visibility first (<see cref="JobVisibility"/>, through the circuit's member check), as the
/// hub does on join, and stop when a later check fails.
/// </summary>
public sealed partial class JobEventFeed(ILogger<JobEventFeed> logger)
{
    private readonly ConcurrentDictionary<Guid, ImmutableArray<Action<IJobEvent>>> _subscribers = new();

    /// <summary>
    /// Calls <paramref name="handler"/> with each event of <paramref name="jobId"/> until the result is disposed. The
    /// handler runs on the publisher's thread (the job's progress relay) and must not block: hand the event to the
    /// circuit's dispatcher and return.
    /// </summary>
    public IDisposable Subscribe(Guid jobId, Action<IJobEvent> handler)
    {
        _subscribers.AddOrUpdate(jobId, _ => [handler], (_, list) => list.Add(handler));
        return new Subscription(this, jobId, handler);
    }

    /// <summary>How many handlers watch <paramref name="jobId"/>; for tests and diagnostics.</summary>
    public int SubscriberCount(Guid jobId) => _subscribers.TryGetValue(jobId, out var list) ? list.Length : 0;

    internal void Publish(IJobEvent e)
    {
        if (!_subscribers.TryGetValue(e.JobId, out var handlers))
        {
            return;
        }

        foreach (var handler in handlers)
        {
            try
            {
                handler(e);
            }
            catch (Exception ex) when (ex is InvalidOperationException or ObjectDisposedException)
            {
                // A circuit that went away between the lookup and the call; its own dispose unsubscribes it.
                LogHandlerFailed(logger, ex, e.JobId);
            }
        }
    }

    private void Unsubscribe(Guid jobId, Action<IJobEvent> handler)
    {
        while (_subscribers.TryGetValue(jobId, out var list))
        {
            var rest = list.Remove(handler);
            var done = rest.IsEmpty
                ? _subscribers.TryRemove(new KeyValuePair<Guid, ImmutableArray<Action<IJobEvent>>>(jobId, list))
                : _subscribers.TryUpdate(jobId, rest, list);
            if (done)
            {
                return;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "A circuit's handler for job {JobId} failed")]
    private static partial void LogHandlerFailed(ILogger logger, Exception exception, Guid jobId);

    private sealed class Subscription(JobEventFeed stream, Guid jobId, Action<IJobEvent> handler) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                stream.Unsubscribe(jobId, handler);
            }
        }
    }
}
