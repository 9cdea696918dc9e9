using SdPortal.Data.Tenancy;

namespace SdPortal.Data.Entities;

/// <summary>A user's role in one tenant.</summary>
public sealed class TenantMembership : ITenantOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    public Guid TenantId { get; set; }

    public Guid UserId { get; set; }

    public TenantRole Role { get; set; } = TenantRole.Member;

    public DateTime CreatedAtUtc { get; set; }
}

/// <summary>What a member may do in a tenant; higher values include the lower ones.</summary>
public enum TenantRole
{
    Member = 0,
    Admin = 1,
    Owner = 2,
}
