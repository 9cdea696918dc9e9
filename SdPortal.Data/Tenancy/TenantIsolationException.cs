namespace SdPortal.Data.Tenancy;

/// <summary>A write that would cross a tenant boundary, or tenant-owned work attempted without a tenant.</summary>
public sealed class TenantIsolationException(string message) : InvalidOperationException(message);
