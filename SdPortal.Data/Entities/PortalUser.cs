using Microsoft.AspNetCore.Identity;

namespace SdPortal.Data.Entities;

/// <summary>A person who signs in; belongs to tenants through <see cref="TenantMembership"/>.</summary>
public sealed class PortalUser : IdentityUser<Guid>
{
    public PortalUser() => Id = Guid.CreateVersion7();

    /// <summary>A disabled user keeps their data but cannot sign in or act.</summary>
    public bool IsDisabled { get; set; }

    public DateTime CreatedAtUtc { get; set; }
}
