using SdPortal.Data.Entities;
using SdPortal.Data.Tenancy;

namespace SdPortal.Data.Tenants;

/// <summary>An invitation to join a tenant; the token is shown once to the inviter and only its hash is stored.</summary>
public sealed class TenantInvitation : ITenantOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    public Guid TenantId { get; set; }

    /// <summary>The invited address; accepting signs in or creates the user with this email.</summary>
    public required string Email { get; set; }

    /// <summary>The role the invitee receives.</summary>
    public TenantRole Role { get; set; } = TenantRole.Member;

    /// <summary>SHA-256 (hex) of the invitation token.</summary>
    public required string TokenHash { get; set; }

    public Guid InvitedByUserId { get; set; }

    public DateTime CreatedAtUtc { get; set; }

    public DateTime ExpiresAtUtc { get; set; }

    /// <summary>Set once; an accepted invitation cannot be used again.</summary>
    public DateTime? AcceptedAtUtc { get; set; }
}
