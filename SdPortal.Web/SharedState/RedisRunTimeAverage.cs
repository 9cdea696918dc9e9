using System.Globalization;
using SdPortal.Web.Generation;
using StackExchange.Redis;

namespace SdPortal.Web.SharedState;

/// <summary>
/// <see cref="RunTimeAverage"/> in one Redis key, folded by a Lua script (read, weigh, write in one atomic step), so
/// runs settled on two nodes at once both count. Without Redis the dispatcher quotes the configured default.
/// </summary>
public sealed class RedisRunTimeAverage(IConnectionMultiplexer redis, RedisKeys keys, ILogger<RedisRunTimeAverage> logger) : RunTimeAverage
{
    private static readonly string Script = string.Create(CultureInfo.InvariantCulture, $"""
        local run = tonumber(ARGV[1])
        local average = tonumber(redis.call('GET', KEYS[1]))
        if average then run = {1 - NewestWeight} * average + {NewestWeight} * run end
        redis.call('SET', KEYS[1], tostring(run))
        return tostring(run)
        """);

    public override async ValueTask<double?> ReadAsync()
    {
        try
        {
            var value = await redis.GetDatabase().StringGetAsync(keys.RunTimeAverage);
            return value.HasValue && double.TryParse((string?)value, CultureInfo.InvariantCulture, out var seconds) ? seconds : null;
        }
        catch (Exception ex) when (RedisFailures.Is(ex))
        {
            RedisFailures.LogUnavailable(logger, ex, "run-time read", "ETAs use the default run time");
            return null;
        }
    }

    public override async ValueTask RecordAsync(TimeSpan run)
    {
        try
        {
            await redis.GetDatabase().ScriptEvaluateAsync(Script, [keys.RunTimeAverage], [run.TotalSeconds.ToString("R", CultureInfo.InvariantCulture)]);
        }
        catch (Exception ex) when (RedisFailures.Is(ex))
        {
            RedisFailures.LogUnavailable(logger, ex, "run-time write", "this run is left out of the ETAs");
        }
    }
}
