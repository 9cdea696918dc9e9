using StackExchange.Redis;

namespace SdPortal.Web.SharedState;

/// <summary>
/// What counts as "Redis did not answer" and the one log line for it. Shared state is a convenience on top of the
/// database: every caller degrades (this node's view, the row's flag, a local limit) rather than failing a request.
/// </summary>
internal static partial class RedisFailures
{
    /// <summary>Connection loss, server errors and timeouts (<see cref="RedisTimeoutException"/> is a <see cref="TimeoutException"/>).</summary>
    public static bool Is(Exception ex) => ex is RedisException or TimeoutException;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Redis did not answer ({Operation}); {Consequence}")]
    public static partial void LogUnavailable(ILogger logger, Exception exception, string operation, string consequence);
}
