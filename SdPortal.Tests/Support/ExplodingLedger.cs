using Microsoft.Extensions.DependencyInjection;
using SdPortal.Data.Credits;

namespace SdPortal.Tests.Support;

/// <summary>
/// The real ledger, except that a reservation throws an exception whose text stands for internals (a connection
/// string): a submission then fails unexpectedly, as a database outage would, and the answer must not show it.
/// </summary>
public sealed class ExplodingLedger(ICreditLedger inner) : ICreditLedger
{
    public const string Secret = "Host=db-internal.example;Password=hunter2";

    /// <summary>Wraps the registered <see cref="ICreditLedger"/>.</summary>
    public static void Install(IServiceCollection services)
    {
        var registered = services.Last(d => d.ServiceType == typeof(ICreditLedger));
        services.Remove(registered);
        services.AddScoped<ICreditLedger>(sp => new ExplodingLedger(
            (ICreditLedger)ActivatorUtilities.CreateInstance(sp, registered.ImplementationType!)));
    }

    public Task<CreditResult> ReserveAsync(Guid tenantId, Guid jobId, long amount, string idempotencyKey, CancellationToken cancellationToken = default) =>
        throw new InvalidOperationException($"Could not reach the ledger at {Secret}.");

    public Task<CreditResult> CaptureAsync(Guid tenantId, Guid jobId, CancellationToken cancellationToken = default) =>
        inner.CaptureAsync(tenantId, jobId, cancellationToken);

    public Task<CreditResult> ReleaseAsync(Guid tenantId, Guid jobId, CancellationToken cancellationToken = default) =>
        inner.ReleaseAsync(tenantId, jobId, cancellationToken);

    public Task<CreditResult> GrantAsync(Guid tenantId, long amount, string idempotencyKey, string reason, CancellationToken cancellationToken = default) =>
        inner.GrantAsync(tenantId, amount, idempotencyKey, reason, cancellationToken);

    public Task<CreditResult> AdjustAsync(Guid tenantId, long amount, string idempotencyKey, string reason, CancellationToken cancellationToken = default) =>
        inner.AdjustAsync(tenantId, amount, idempotencyKey, reason, cancellationToken);

    public Task<long> GetBalanceAsync(Guid tenantId, CancellationToken cancellationToken = default) =>
        inner.GetBalanceAsync(tenantId, cancellationToken);
}
