namespace SdPortal.Data.Tenancy;

/// <summary>The tenant the current operation acts for: a web request, a circuit, or a background job.</summary>
public interface ITenantContext
{
    /// <summary>The current tenant, or null when none was set (reads then see nothing and writes fail).</summary>
    Guid? TenantId { get; }
}
