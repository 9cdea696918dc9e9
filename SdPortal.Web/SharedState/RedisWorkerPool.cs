using System.Text.Json;
using SdPortal.Inference.Jobs;
using SdPortal.Web.Operators;
using StackExchange.Redis;

namespace SdPortal.Web.SharedState;

/// <summary>
/// <see cref="WorkerPool"/> as one Redis hash (worker name → its last report and arrival time as JSON): every node
/// lists the same workers. Each report counts for <see cref="WorkerPool.ReportLifetime"/> from its arrival (filtered on
/// read, stale fields deleted then); the whole hash expires when no worker has reported for that long.
/// </summary>
public sealed class RedisWorkerPool(IConnectionMultiplexer redis, RedisKeys keys, TimeProvider time, ILogger<RedisWorkerPool> logger) : WorkerPool
{
    public override async ValueTask RecordAsync(WorkerReport report)
    {
        var value = JsonSerializer.Serialize(new ReportedWorker(report, time.GetUtcNow()), JsonSerializerOptions.Web);
        try
        {
            var db = redis.GetDatabase();
            var batch = db.CreateBatch();
            var set = batch.HashSetAsync(keys.Workers, report.WorkerName, value);
            var expire = batch.KeyExpireAsync(keys.Workers, ReportLifetime);
            batch.Execute();
            await Task.WhenAll(set, expire);
        }
        catch (Exception ex) when (RedisFailures.Is(ex))
        {
            RedisFailures.LogUnavailable(logger, ex, "worker report", "the pool page misses this report");
        }
    }

    public override async ValueTask<IReadOnlyList<ReportedWorker>> CurrentAsync()
    {
        try
        {
            var db = redis.GetDatabase();
            var cutoff = time.GetUtcNow() - ReportLifetime;
            var current = new List<ReportedWorker>();
            var stale = new List<RedisValue>();
            foreach (var entry in await db.HashGetAllAsync(keys.Workers))
            {
                var worker = JsonSerializer.Deserialize<ReportedWorker>((string)entry.Value!, JsonSerializerOptions.Web);
                if (worker is null || worker.ReceivedAt < cutoff)
                {
                    stale.Add(entry.Name);
                }
                else
                {
                    current.Add(worker);
                }
            }

            if (stale.Count > 0)
            {
                await db.HashDeleteAsync(keys.Workers, [.. stale]);
            }

            return [.. current.OrderBy(w => w.Report.WorkerName, StringComparer.Ordinal)];
        }
        catch (Exception ex) when (RedisFailures.Is(ex))
        {
            RedisFailures.LogUnavailable(logger, ex, "worker reports read", "the pool page lists no workers");
            return [];
        }
    }
}
