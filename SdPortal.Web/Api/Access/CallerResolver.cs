using System.Security.Claims;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using SdPortal.Data;
using SdPortal.Data.Entities;
using SdPortal.Data.Tenancy;
using SdPortal.Web.Identity;

namespace SdPortal.Web.Api.Access;

/// <summary>
/// Checks the caller on every API request (R21): the user exists, is not disabled and still has the token's security
/// stamp; the tenant (from the API key, the <c>X-Tenant</c> header, or the first membership) is one of theirs and is
/// active. Then sets the scope's tenant. One indexed query per request; nothing cached, so nothing to invalidate.
/// </summary>
internal sealed class CallerResolver(
    PortalDbContext db,
    TenantContext tenantContext,
    PortalCaller caller,
    IOptions<IdentityOptions> identity,
    IOptionsMonitor<PortalOptions> portal)
{
    public const string TenantHeader = "X-Tenant";

    public async Task<IResult?> ResolveMemberAsync(HttpContext http) =>
        await CheckMemberAsync(http.User, http.Request.Headers[TenantHeader].FirstOrDefault(), http.RequestAborted) switch
        {
            CallerCheck.Allowed => null,
            CallerCheck.Unauthenticated => ApiProblems.Unauthorized(),
            CallerCheck.TenantSuspended => ApiProblems.Forbidden("This tenant is suspended."),
            _ => ApiProblems.NotFound(),
        };

    /// <summary>
    /// The member check shared by the API and the UI's circuits: an active user, an active tenant of theirs (the API
    /// key's, <paramref name="requestedTenant"/> as slug or id, or their first membership); sets the scope's tenant.
    /// </summary>
    public async Task<CallerCheck> CheckMemberAsync(ClaimsPrincipal principal, string? requestedTenant, CancellationToken cancellationToken)
    {
        if (await FindActiveUserAsync(principal, cancellationToken) is not { } user)
        {
            return CallerCheck.Unauthenticated;
        }

        var requested = principal.FindFirstValue(PortalClaims.TenantId) ?? requestedTenant;
        var memberships = MembershipsOf(user.Id);
        if (!string.IsNullOrWhiteSpace(requested))
        {
            memberships = Guid.TryParse(requested, out var id)
                ? memberships.Where(m => m.TenantId == id)
                : memberships.Where(m => m.Slug == requested);
        }

        // The tenant picked in the UI's switcher is a preference, not a pin: if that membership is gone the user lands
        // in their first tenant instead of being locked out until they sign in again.
        var selected = Guid.TryParse(principal.FindFirstValue(PortalClaims.SelectedTenant), out var pick) ? pick : Guid.Empty;
        var membership = await memberships.OrderBy(m => m.TenantId == selected ? 0 : 1).ThenBy(m => m.CreatedAtUtc).ThenBy(m => m.TenantId)
            .FirstOrDefaultAsync(cancellationToken);
        if (membership is null)
        {
            return CallerCheck.NoSuchTenant;
        }

        if (membership.Status != TenantStatus.Active)
        {
            return CallerCheck.TenantSuspended;
        }

        tenantContext.Set(membership.TenantId);
        caller.SetMember(user.Id, membership.TenantId, membership.Slug, membership.Role);
        return CallerCheck.Allowed;
    }

    /// <summary>
    /// The member check for exactly <paramref name="tenantId"/> (the hub's subscriptions and their re-checks): the same
    /// rules as <see cref="CheckMemberAsync"/>, and an API key pinned to another tenant is <see cref="CallerCheck.NoSuchTenant"/>
    /// rather than its own tenant. Sets the scope's tenant and <see cref="PortalCaller"/> when allowed.
    /// </summary>
    public async Task<CallerCheck> CheckMemberOfAsync(ClaimsPrincipal principal, Guid tenantId, CancellationToken cancellationToken)
    {
        var check = await CheckMemberAsync(principal, tenantId.ToString(), cancellationToken);
        return check == CallerCheck.Allowed && caller.TenantId != tenantId ? CallerCheck.NoSuchTenant : check;
    }

    /// <summary>Whether the principal is still a valid sign-in: the user exists, is not disabled and has the token's stamp.</summary>
    public async Task<bool> IsActiveUserAsync(ClaimsPrincipal principal, CancellationToken cancellationToken) =>
        await FindActiveUserAsync(principal, cancellationToken) is not null;

    public async Task<IResult?> ResolveOperatorAsync(HttpContext http)
    {
        return await CheckOperatorAsync(http.User, http.RequestAborted) switch
        {
            CallerCheck.Allowed => null,
            CallerCheck.Unauthenticated => ApiProblems.Unauthorized(),
            _ => ApiProblems.Forbidden("Operators only."),
        };
    }

    /// <summary>
    /// The operator check shared by the API, the dashboard and the UI's circuits: an active user whose email is in
    /// <c>Portal:Operators</c>, signed in as themselves (never by API key). Anyone else signed in is
    /// <see cref="CallerCheck.NotOperator"/>.
    /// </summary>
    public async Task<CallerCheck> CheckOperatorAsync(ClaimsPrincipal principal, CancellationToken cancellationToken)
    {
        if (await FindActiveUserAsync(principal, cancellationToken) is not { } user)
        {
            return CallerCheck.Unauthenticated;
        }

        var isOperator = principal.FindFirstValue(PortalClaims.ApiKeyId) is null
                         && portal.CurrentValue.Operators.Contains(user.Email ?? string.Empty, StringComparer.OrdinalIgnoreCase);
        if (!isOperator)
        {
            return CallerCheck.NotOperator;
        }

        caller.SetOperator(user.Id);
        return CallerCheck.Allowed;
    }

    /// <summary>The tenants the signed-in user belongs to, oldest membership first (the UI's tenant switcher).</summary>
    public async Task<IReadOnlyList<MembershipSummary>> ListMembershipsAsync(ClaimsPrincipal principal, CancellationToken cancellationToken)
    {
        if (await FindActiveUserAsync(principal, cancellationToken) is not { } user)
        {
            return [];
        }

        return await MembershipsOf(user.Id).OrderBy(m => m.CreatedAtUtc).ThenBy(m => m.TenantId)
            .Select(m => new MembershipSummary(m.TenantId, m.Name, m.Slug, m.Role, m.Status))
            .ToListAsync(cancellationToken);
    }

    // Memberships across tenants are the user's own; this is the one place that lists them, naming the filter it ignores.
    private IQueryable<MembershipRow> MembershipsOf(Guid userId) =>
        db.Memberships.IgnoreQueryFilters([TenantIsolation.FilterName])
            .Where(m => m.UserId == userId)
            .Join(db.Tenants, m => m.TenantId, t => t.Id, (m, t) => new MembershipRow
            {
                TenantId = m.TenantId,
                Role = m.Role,
                CreatedAtUtc = m.CreatedAtUtc,
                Slug = t.Slug,
                Name = t.Name,
                Status = t.Status,
            });

    // Member-initialised (not a positional record) so EF can translate filters and orderings on its properties.
    private sealed class MembershipRow
    {
        public Guid TenantId { get; init; }

        public TenantRole Role { get; init; }

        public DateTime CreatedAtUtc { get; init; }

        public required string Slug { get; init; }

        public required string Name { get; init; }

        public TenantStatus Status { get; init; }
    }

    private async Task<(Guid Id, string? Email)?> FindActiveUserAsync(ClaimsPrincipal principal, CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(principal.FindFirstValue(ClaimTypes.NameIdentifier), out var userId))
        {
            return null;
        }

        var user = await db.Users.AsNoTracking().Where(u => u.Id == userId)
            .Select(u => new { u.Email, u.IsDisabled, u.SecurityStamp }).SingleOrDefaultAsync(cancellationToken);
        var stamp = principal.FindFirstValue(identity.Value.ClaimsIdentity.SecurityStampClaimType);
        if (user is null || user.IsDisabled || (stamp is not null && stamp != user.SecurityStamp))
        {
            return null;
        }

        return (userId, user.Email);
    }
}

/// <summary>One of the user's tenants.</summary>
public sealed record MembershipSummary(Guid TenantId, string Name, string Slug, TenantRole Role, TenantStatus Status);

/// <summary>The outcome of <see cref="CallerResolver.CheckMemberAsync"/>.</summary>
public enum CallerCheck
{
    Allowed,
    Unauthenticated,
    NoSuchTenant,
    TenantSuspended,
    NotOperator,
}

/// <summary>Lets a request through only for an active member of an active tenant; sets the tenant.</summary>
internal sealed class TenantMemberFilter : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next) =>
        await context.HttpContext.RequestServices.GetRequiredService<CallerResolver>().ResolveMemberAsync(context.HttpContext)
        ?? await next(context);
}

/// <summary>Lets a request through only for an operator (an email in <c>Portal:Operators</c>) signed in as a user.</summary>
internal sealed class OperatorFilter : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next) =>
        await context.HttpContext.RequestServices.GetRequiredService<CallerResolver>().ResolveOperatorAsync(context.HttpContext)
        ?? await next(context);
}
