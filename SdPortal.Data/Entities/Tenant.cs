namespace SdPortal.Data.Entities;

/// <summary>A customer organisation: the unit of isolation, billing and quotas.</summary>
public sealed class Tenant
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    /// <summary>The display name, e.g. "Acme Studio".</summary>
    public required string Name { get; set; }

    /// <summary>The unique URL-safe handle, e.g. "acme-studio".</summary>
    public required string Slug { get; set; }

    /// <summary>The plan key from the billing configuration ("free" until a subscription says otherwise).</summary>
    public string Plan { get; set; } = "free";

    public TenantStatus Status { get; set; } = TenantStatus.Active;

    public DateTime CreatedAtUtc { get; set; }
}

/// <summary>Whether a tenant may use the service.</summary>
public enum TenantStatus
{
    Active = 0,
    Suspended = 1,
}
