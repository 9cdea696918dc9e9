using SdPortal.Data.Entities;

namespace SdPortal.Web.Api.Access;

/// <summary>Who the current API request acts as, resolved and checked by <see cref="CallerResolver"/> (scoped).</summary>
public sealed class PortalCaller
{
    public Guid UserId { get; private set; }

    public Guid TenantId { get; private set; }

    public string TenantSlug { get; private set; } = string.Empty;

    public TenantRole Role { get; private set; }

    /// <summary>Owners and admins manage members, keys and invitations.</summary>
    public bool IsAdmin => Role >= TenantRole.Admin;

    internal void SetMember(Guid userId, Guid tenantId, string tenantSlug, TenantRole role)
    {
        (UserId, TenantId, TenantSlug, Role) = (userId, tenantId, tenantSlug, role);
    }

    internal void SetOperator(Guid userId) => UserId = userId;
}
