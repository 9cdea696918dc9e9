namespace SdPortal.Web.SharedState;

/// <summary>
/// Fixed-window counters behind the rate limits (submissions per tenant, sign-in and sign-up attempts per address):
/// a window opens at a key's first hit and lasts <c>window</c>; hits beyond <c>limit</c> in it are refused. In memory on
/// one node (<see cref="MemoryWindowCounter"/>); in Redis with several (<see cref="RedisWindowCounter"/>), so a limit of
/// N is N across all nodes, not N per node.
/// </summary>
public abstract class WindowCounter
{
    /// <summary>Counts one hit on <paramref name="key"/>: null when within the limit, otherwise how long until the window ends.</summary>
    public abstract ValueTask<TimeSpan?> TryAcquireAsync(string key, int limit, TimeSpan window);
}
