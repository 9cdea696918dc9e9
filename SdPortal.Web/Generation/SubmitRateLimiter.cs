using Microsoft.Extensions.Options;
using SdPortal.Web.SharedState;

namespace SdPortal.Web.Generation;

/// <summary>
/// Per-tenant fixed one-minute window for submissions, in the service layer so that every way in (REST, a Blazor
/// circuit) is counted (R20). On a <see cref="WindowCounter"/>: with Redis the limit holds across web nodes.
/// </summary>
public sealed class SubmitRateLimiter(IOptionsMonitor<GenerationOptions> options, WindowCounter counter)
{
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    /// <summary>Counts one submission; null when allowed, otherwise how long until the window resets.</summary>
    public ValueTask<TimeSpan?> TryAcquireAsync(Guid tenantId) =>
        counter.TryAcquireAsync($"submit:{tenantId:N}", options.CurrentValue.SubmitsPerMinute, Window);
}
