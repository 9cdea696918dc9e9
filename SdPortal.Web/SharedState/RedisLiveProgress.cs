using System.Globalization;
using Microsoft.Extensions.Options;
using SdPortal.Web.Generation;
using StackExchange.Redis;

namespace SdPortal.Web.SharedState;

/// <summary>
/// <see cref="LiveProgress"/> in one Redis string per job ("step/total"), with <see cref="SharedStateOptions.LiveSeconds"/>
/// to live from the last report; a page of jobs reads its running ones with one MGET.
/// </summary>
public sealed class RedisLiveProgress(
    IConnectionMultiplexer redis, RedisKeys keys, IOptions<SharedStateOptions> options, TimeProvider time, ILogger<RedisLiveProgress> logger)
    : LiveProgress(time)
{
    public override async ValueTask<(int Step, int TotalSteps)?> FindAsync(Guid jobId)
    {
        try
        {
            return Parse(await redis.GetDatabase().StringGetAsync(keys.Progress(jobId)));
        }
        catch (Exception ex) when (RedisFailures.Is(ex))
        {
            RedisFailures.LogUnavailable(logger, ex, "progress read", "the job's stored step is shown");
            return null;
        }
    }

    public override async ValueTask<IReadOnlyDictionary<Guid, int>> FindStepsAsync(IReadOnlyCollection<Guid> jobIds)
    {
        if (jobIds.Count == 0)
        {
            return new Dictionary<Guid, int>();
        }

        var ids = jobIds.Distinct().ToArray();
        try
        {
            var values = await redis.GetDatabase().StringGetAsync([.. ids.Select(keys.Progress)]);
            var steps = new Dictionary<Guid, int>();
            for (var i = 0; i < ids.Length; i++)
            {
                if (Parse(values[i]) is { } progress)
                {
                    steps[ids[i]] = progress.Step;
                }
            }

            return steps;
        }
        catch (Exception ex) when (RedisFailures.Is(ex))
        {
            RedisFailures.LogUnavailable(logger, ex, "progress read", "the jobs' stored steps are shown");
            return new Dictionary<Guid, int>();
        }
    }

    protected override async ValueTask StoreAsync(Guid jobId, int step, int totalSteps)
    {
        try
        {
            await redis.GetDatabase().StringSetAsync(keys.Progress(jobId), string.Create(CultureInfo.InvariantCulture, $"{step}/{totalSteps}"),
                TimeSpan.FromSeconds(options.Value.LiveSeconds));
        }
        catch (Exception ex) when (RedisFailures.Is(ex))
        {
            RedisFailures.LogUnavailable(logger, ex, "progress write", "other nodes show the job's stored step");
        }
    }

    protected override async ValueTask DeleteAsync(Guid jobId)
    {
        try
        {
            await redis.GetDatabase().KeyDeleteAsync(keys.Progress(jobId));
        }
        catch (Exception ex) when (RedisFailures.Is(ex))
        {
            RedisFailures.LogUnavailable(logger, ex, "progress removal", "the step expires on its own");
        }
    }

    private static (int Step, int TotalSteps)? Parse(RedisValue value) =>
        value.HasValue && ((string?)value)?.Split('/') is [var step, var total]
            && int.TryParse(step, CultureInfo.InvariantCulture, out var s) && int.TryParse(total, CultureInfo.InvariantCulture, out var t)
            ? (s, t)
            : null;
}
