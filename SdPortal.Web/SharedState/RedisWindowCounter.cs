using StackExchange.Redis;

namespace SdPortal.Web.SharedState;

/// <summary>
/// <see cref="WindowCounter"/> in Redis: INCR, PEXPIRE on the first hit and PTTL in one Lua script — atomic and one
/// round trip, so two nodes counting at once never both open a window or lose a hit. While Redis does not answer,
/// each node counts on its own (<see cref="MemoryWindowCounter"/>): a limit per node for that time rather than none.
/// </summary>
public sealed class RedisWindowCounter(IConnectionMultiplexer redis, RedisKeys keys, TimeProvider time, ILogger<RedisWindowCounter> logger)
    : WindowCounter
{
    private const string Script = """
        local count = redis.call('INCR', KEYS[1])
        if count == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
        return { count, redis.call('PTTL', KEYS[1]) }
        """;

    private readonly MemoryWindowCounter _fallback = new(time);

    public override async ValueTask<TimeSpan?> TryAcquireAsync(string key, int limit, TimeSpan window)
    {
        try
        {
            var result = (RedisResult[])(await redis.GetDatabase().ScriptEvaluateAsync(Script, [keys.Window(key)], [(long)window.TotalMilliseconds]))!;
            var count = (long)result[0];
            var remaining = (long)result[1];
            return count <= limit ? null : TimeSpan.FromMilliseconds(Math.Max(remaining, 1));
        }
        catch (Exception ex) when (RedisFailures.Is(ex))
        {
            RedisFailures.LogUnavailable(logger, ex, "rate-limit count", "this node counts alone until Redis answers");
            return await _fallback.TryAcquireAsync(key, limit, window);
        }
    }
}
