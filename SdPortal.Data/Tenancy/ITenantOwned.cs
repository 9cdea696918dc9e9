namespace SdPortal.Data.Tenancy;

/// <summary>
/// A row that belongs to exactly one tenant. Every such entity gets the <see cref="TenantIsolation.FilterName"/> query
/// filter and the save-time tenant check; nothing else in the code base filters by tenant by hand.
/// </summary>
public interface ITenantOwned
{
    /// <summary>The owning tenant; stamped on insert from the current tenant, immutable afterwards.</summary>
    Guid TenantId { get; set; }
}
