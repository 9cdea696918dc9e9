using System.Buffers.Binary;
using Microsoft.Extensions.Options;
using SdPortal.Web.Generation;
using StackExchange.Redis;

namespace SdPortal.Web.SharedState;

/// <summary>
/// <see cref="LivePreviews"/> in one Redis string per job (step, then the PNG of at most 64 px: a few KB), with
/// <see cref="SharedStateOptions.LiveSeconds"/> to live from the last report, removed when the job ends.
/// </summary>
public sealed class RedisLivePreviews(IConnectionMultiplexer redis, RedisKeys keys, IOptions<SharedStateOptions> options, ILogger<RedisLivePreviews> logger)
    : LivePreviews
{
    public override async ValueTask<Preview?> FindAsync(Guid jobId)
    {
        try
        {
            byte[]? value = await redis.GetDatabase().StringGetAsync(keys.Preview(jobId));
            return value is { Length: > 4 } ? new Preview(BinaryPrimitives.ReadInt32LittleEndian(value), value[4..]) : null;
        }
        catch (Exception ex) when (RedisFailures.Is(ex))
        {
            RedisFailures.LogUnavailable(logger, ex, "preview read", "the job shows no preview");
            return null;
        }
    }

    public override async ValueTask SetAsync(Guid jobId, int step, byte[] png)
    {
        var value = new byte[4 + png.Length];
        BinaryPrimitives.WriteInt32LittleEndian(value, step);
        png.CopyTo(value, 4);
        try
        {
            await redis.GetDatabase().StringSetAsync(keys.Preview(jobId), value, TimeSpan.FromSeconds(options.Value.LiveSeconds));
        }
        catch (Exception ex) when (RedisFailures.Is(ex))
        {
            RedisFailures.LogUnavailable(logger, ex, "preview write", "the preview is not shared");
        }
    }

    public override async ValueTask RemoveAsync(Guid jobId)
    {
        try
        {
            await redis.GetDatabase().KeyDeleteAsync(keys.Preview(jobId));
        }
        catch (Exception ex) when (RedisFailures.Is(ex))
        {
            RedisFailures.LogUnavailable(logger, ex, "preview removal", "the preview expires on its own");
        }
    }
}
