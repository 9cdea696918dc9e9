using SdPortal.Web.Generation;
using StackExchange.Redis;

namespace SdPortal.Web.SharedState;

/// <summary>
/// <see cref="JobEventRelay"/> over one Redis pub/sub channel: an event goes to this node's <see cref="JobEventFeed"/>
/// at once and to the channel; every node relays what it receives into its own feed, except its own messages (already
/// delivered), so each circuit sees each event exactly once, in order (one channel, read in order). Pub/sub keeps
/// nothing: a node that is down misses events, which is what a live feed wants (the page re-reads the job on reconnect).
/// </summary>
public sealed partial class RedisJobEventRelay(IConnectionMultiplexer redis, RedisKeys keys, JobEventFeed feed, ILogger<RedisJobEventRelay> logger)
    : JobEventRelay, IHostedService, IDisposable
{
    private static readonly TimeSpan SubscribeRetry = TimeSpan.FromSeconds(5);
    private readonly Guid _node = Guid.NewGuid();
    private readonly CancellationTokenSource _stopping = new();
    private ChannelMessageQueue? _queue;

    public override async ValueTask PublishAsync(IJobEvent e)
    {
        feed.Publish(e);
        try
        {
            await redis.GetSubscriber().PublishAsync(keys.JobEvents, JobEventMessage.Serialize(_node, e));
        }
        catch (Exception ex) when (RedisFailures.Is(ex))
        {
            RedisFailures.LogUnavailable(logger, ex, "job event", "only this node's circuits see it");
        }
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        // Subscribed in the background: a Redis that is down at start must not keep the node from serving.
        _ = SubscribeAsync(_stopping.Token);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        if (_queue is { } queue)
        {
            await queue.UnsubscribeAsync();
        }
    }

    private async Task SubscribeAsync(CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                var queue = await redis.GetSubscriber().SubscribeAsync(keys.JobEvents);
                queue.OnMessage(Relay);
                _queue = queue;
                return;
            }
            catch (Exception ex) when (RedisFailures.Is(ex))
            {
                RedisFailures.LogUnavailable(logger, ex, "job event subscription", "this node's circuits see only its own events until it succeeds");
                try
                {
                    await Task.Delay(SubscribeRetry, stopping);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    private void Relay(ChannelMessage message)
    {
        try
        {
            var (node, e) = JobEventMessage.Deserialize((string)message.Message!);
            if (node != _node && e is not null)
            {
                feed.Publish(e);
            }
        }
        catch (System.Text.Json.JsonException ex)
        {
            LogUnreadable(logger, ex);
        }
    }

    public void Dispose() => _stopping.Dispose();

    [LoggerMessage(Level = LogLevel.Warning, Message = "A job event on the Redis channel could not be read; skipped")]
    private static partial void LogUnreadable(ILogger logger, Exception exception);
}
