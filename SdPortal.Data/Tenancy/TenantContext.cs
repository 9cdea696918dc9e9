namespace SdPortal.Data.Tenancy;

/// <summary>
/// The scoped, settable tenant context. Authentication sets it for requests and circuits; background jobs set it
/// explicitly from their arguments. Once set it cannot be switched to another tenant within the same scope.
/// </summary>
public sealed class TenantContext : ITenantContext
{
    /// <inheritdoc />
    public Guid? TenantId { get; private set; }

    /// <summary>Sets the tenant for this scope.</summary>
    /// <exception cref="InvalidOperationException">The scope already acts for another tenant.</exception>
    public void Set(Guid tenantId)
    {
        if (tenantId == Guid.Empty)
        {
            throw new ArgumentException("A tenant id cannot be empty.", nameof(tenantId));
        }

        if (TenantId is { } current && current != tenantId)
        {
            throw new InvalidOperationException("This scope already acts for another tenant.");
        }

        TenantId = tenantId;
    }
}
