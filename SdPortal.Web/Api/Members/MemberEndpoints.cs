using System.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using SdPortal.Data;
using SdPortal.Data.Audit;
using SdPortal.Data.Entities;
using SdPortal.Data.Security;
using SdPortal.Data.Tenants;
using SdPortal.Web.Api.Access;
using SdPortal.Web.Identity;

namespace SdPortal.Web.Api.Members;

public sealed record MemberResponse(Guid UserId, string? Email, TenantRole Role, DateTime JoinedAt);

public sealed record InviteRequest(string? Email, TenantRole? Role);

public sealed record InvitationResponse(Guid Id, string Email, TenantRole Role, string Token, DateTime ExpiresAt);

public sealed record ChangeRoleRequest(TenantRole? Role);

/// <summary>Members of the caller's tenant. Owners and admins invite, remove and change roles; the last owner stays.</summary>
internal static class MemberEndpoints
{
    public static void MapMemberEndpoints(this RouteGroupBuilder api)
    {
        var members = api.MapGroup("/tenant").WithTags("Members");
        members.MapGet("/members", ListAsync);
        members.MapPost("/invitations", InviteAsync);
        members.MapDelete("/members/{userId:guid}", RemoveAsync);
        members.MapPut("/members/{userId:guid}/role", ChangeRoleAsync);
    }

    internal static async Task<IResult> ListAsync(PortalDbContext db, CancellationToken ct) =>
        TypedResults.Ok(await db.Memberships.OrderBy(m => m.CreatedAtUtc)
            .Join(db.Users, m => m.UserId, u => u.Id, (m, u) => new MemberResponse(u.Id, u.Email, m.Role, m.CreatedAtUtc))
            .ToListAsync(ct));

    internal static async Task<IResult> InviteAsync(
        InviteRequest request, PortalDbContext db, PortalCaller caller, TimeProvider time, IOptions<AuthOptions> auth,
        InvitationMail mail, CancellationToken ct)
    {
        if (FieldErrors.IsEmail(request.Email) is false)
        {
            return new FieldErrors().Require(false, "email", "Enter a valid email address.").ToResult();
        }

        var role = request.Role ?? TenantRole.Member;
        if (!caller.IsAdmin || (role == TenantRole.Owner && caller.Role != TenantRole.Owner))
        {
            return ApiProblems.Forbidden("Only owners invite owners; only owners and admins invite.");
        }

        var normalized = request.Email!.ToUpperInvariant();
        if (await db.Memberships.Join(db.Users, m => m.UserId, u => u.Id, (m, u) => u.NormalizedEmail).AnyAsync(e => e == normalized, ct))
        {
            return ApiProblems.Conflict("This person is already a member.");
        }

        var now = time.GetUtcNow().UtcDateTime;
        var (token, hash) = OpaqueToken.Create("inv_");
        var invitation = new TenantInvitation
        {
            Email = request.Email!,
            Role = role,
            TokenHash = hash,
            InvitedByUserId = caller.UserId,
            CreatedAtUtc = now,
            ExpiresAtUtc = now.AddDays(auth.Value.InvitationDays),
        };
        db.Invitations.Add(invitation);
        db.AuditLog.Add(Audit(caller, "member.invited", $"{invitation.Email} as {role}", now));
        await db.SaveChangesAsync(ct);
        var tenantName = await db.Tenants.Where(t => t.Id == caller.TenantId).Select(t => t.Name).SingleAsync(ct);
        // Mailed and still returned: an admin may prefer to hand the link over another way.
        mail.Send(invitation.Email, tenantName, role, invitation.ExpiresAtUtc, token);
        return TypedResults.Created($"/api/v1/tenant/invitations/{invitation.Id}",
            new InvitationResponse(invitation.Id, invitation.Email, role, token, invitation.ExpiresAtUtc));
    }

    internal static Task<IResult> RemoveAsync(Guid userId, PortalDbContext db, PortalCaller caller, TimeProvider time, CancellationToken ct) =>
        ChangeAsync(db, caller, userId, newRole: null, time, ct);

    internal static Task<IResult> ChangeRoleAsync(
        Guid userId, ChangeRoleRequest request, PortalDbContext db, PortalCaller caller, TimeProvider time, CancellationToken ct) =>
        request.Role is { } role
            ? ChangeAsync(db, caller, userId, role, time, ct)
            : Task.FromResult(new FieldErrors().Require(false, "role", "Choose Owner, Admin or Member.").ToResult());

    /// <summary>Removes the member (<paramref name="newRole"/> null) or changes their role, keeping at least one owner.</summary>
    private static async Task<IResult> ChangeAsync(
        PortalDbContext db, PortalCaller caller, Guid userId, TenantRole? newRole, TimeProvider time, CancellationToken ct)
    {
        // Serializable so that two owners demoting each other at once cannot both pass the last-owner check.
        await using var transaction = await db.Database.BeginTransactionAsync(IsolationLevel.Serializable, ct);
        var member = await db.Memberships.SingleOrDefaultAsync(m => m.UserId == userId, ct);
        if (member is null)
        {
            return ApiProblems.NotFound();
        }

        var leavingSelf = newRole is null && userId == caller.UserId;
        var touchesOwner = member.Role == TenantRole.Owner || newRole == TenantRole.Owner;
        if (!leavingSelf && (!caller.IsAdmin || (touchesOwner && caller.Role != TenantRole.Owner)))
        {
            return ApiProblems.Forbidden("Only owners change owners; only owners and admins manage members.");
        }

        if (member.Role == TenantRole.Owner && newRole != TenantRole.Owner
            && await db.Memberships.CountAsync(m => m.Role == TenantRole.Owner, ct) == 1)
        {
            return ApiProblems.Conflict("The last owner cannot leave or be demoted; make someone else owner first.");
        }

        var now = time.GetUtcNow().UtcDateTime;
        if (newRole is { } role)
        {
            db.AuditLog.Add(Audit(caller, "member.role_changed", $"{userId}: {member.Role} → {role}", now));
            member.Role = role;
        }
        else
        {
            db.AuditLog.Add(Audit(caller, "member.removed", $"{userId} ({member.Role})", now));
            db.Memberships.Remove(member);
        }

        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return newRole is null ? TypedResults.NoContent() : TypedResults.Ok(new { userId, role = member.Role });
    }

    private static AuditLogEntry Audit(PortalCaller caller, string action, string details, DateTime now) =>
        new() { ActorUserId = caller.UserId, Action = action, Details = details, CreatedAtUtc = now };
}
