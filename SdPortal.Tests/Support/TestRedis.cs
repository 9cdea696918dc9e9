using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using SdPortal.Web.Generation;
using SdPortal.Web.Operators;
using SdPortal.Web.SharedState;
using StackExchange.Redis;

namespace SdPortal.Tests.Support;

/// <summary>
/// The Redis server test.sh starts (its address in <see cref="ServerVariable"/>), with a key prefix of its own per
/// test so that tests never see each other's keys or channels. <see cref="Node"/> opens one "web node's" view: its own
/// connection and its own instances of the shared-state implementations, as a second process would have.
/// </summary>
public sealed class TestRedis
{
    /// <summary>The environment variable holding the test server's host:port.</summary>
    public const string ServerVariable = "SDPORTAL_TEST_REDIS";

    private TestRedis(string server, string prefix) => (Server, KeyPrefix) = (server, prefix);

    public string Server { get; }

    public string KeyPrefix { get; }

    /// <summary>The configuration a portal host needs to share its state through this server under this test's prefix.</summary>
    public IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["ConnectionStrings:Redis"] = Server,
        ["SharedState:KeyPrefix"] = KeyPrefix,
    };

    public static TestRedis Create()
    {
        var server = Environment.GetEnvironmentVariable(ServerVariable);
        if (string.IsNullOrWhiteSpace(server))
        {
            throw new InvalidOperationException($"{ServerVariable} is not set: run the suite through ./test.sh, which starts Redis.");
        }

        return new TestRedis(server, $"sdportal-test-{Guid.NewGuid():N}");
    }

    /// <summary>A node with its own connection; <paramref name="configure"/> shortens TTLs for expiry tests.</summary>
    public Node OpenNode(TimeProvider? time = null, Action<SharedStateOptions>? configure = null, ILoggerFactory? logs = null) =>
        new(SharedStateExtensions.Connect(Server), Options(configure), time ?? TimeProvider.System, logs ?? NullLoggerFactory.Instance);

    /// <summary>A node whose Redis is down: a connection to a loopback port nobody listens on.</summary>
    public Node OpenUnreachableNode(ILoggerFactory logs) =>
        new(SharedStateExtensions.Connect($"127.0.0.1:1,connectTimeout=200"), Options(null), TimeProvider.System, logs);

    private IOptions<SharedStateOptions> Options(Action<SharedStateOptions>? configure)
    {
        var options = new SharedStateOptions { KeyPrefix = KeyPrefix };
        configure?.Invoke(options);
        return Microsoft.Extensions.Options.Options.Create(options);
    }

    /// <summary>One web node's shared-state implementations on its own connection.</summary>
    public sealed class Node(ConnectionMultiplexer connection, IOptions<SharedStateOptions> options, TimeProvider time, ILoggerFactory logs) : IAsyncDisposable
    {
        private readonly RedisKeys _keys = new(options);

        public IConnectionMultiplexer Connection => connection;

        public JobEventFeed Feed { get; } = new(logs.CreateLogger<JobEventFeed>());

        public LivePreviews Previews() => new RedisLivePreviews(connection, _keys, options, logs.CreateLogger<RedisLivePreviews>());

        public LiveProgress Progress() => new RedisLiveProgress(connection, _keys, options, time, logs.CreateLogger<RedisLiveProgress>());

        public JobCancellations Cancellations() => new RedisJobCancellations(connection, _keys, options, logs.CreateLogger<RedisJobCancellations>());

        public WorkerPool Workers() => new RedisWorkerPool(connection, _keys, time, logs.CreateLogger<RedisWorkerPool>());

        public WindowCounter Counter() => new RedisWindowCounter(connection, _keys, time, logs.CreateLogger<RedisWindowCounter>());

        public RunTimeAverage RunTimes() => new RedisRunTimeAverage(connection, _keys, logs.CreateLogger<RedisRunTimeAverage>());

        public RedisJobEventRelay Relay() => new(connection, _keys, Feed, logs.CreateLogger<RedisJobEventRelay>());

        public async ValueTask DisposeAsync() => await connection.DisposeAsync();
    }
}
