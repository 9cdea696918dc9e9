using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using SdPortal.Data;
using SdPortal.Data.Entities;
using SdPortal.Data.Security;
using SdPortal.Data.Tenancy;

namespace SdPortal.Web.Api.Auth;

/// <summary>
/// Accepting an invitation: an existing account joins the tenant; a new one is created with the given password (its
/// email counts as confirmed, since the token reached it). One transaction; the token works once.
/// </summary>
internal sealed class InvitationAcceptanceHandler(
    PortalDbContext db, UserManager<PortalUser> users, TenantContext tenantContext, TimeProvider time)
{
    public async Task<IResult> AcceptAsync(AcceptInvitationRequest request, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(request.Token))
        {
            return new FieldErrors().Require(false, "token", "Enter the invitation token.").ToResult();
        }

        var now = time.GetUtcNow().UtcDateTime;
        var hash = OpaqueToken.Hash(request.Token);
        // The token is the credential, so the lookup crosses tenants; the scope then acts for the invitation's tenant.
        var invitation = await db.Invitations.IgnoreQueryFilters([TenantIsolation.FilterName])
            .SingleOrDefaultAsync(i => i.TokenHash == hash && i.AcceptedAtUtc == null, ct);
        if (invitation is null || invitation.ExpiresAtUtc <= now)
        {
            return ApiProblems.NotFound();
        }

        tenantContext.Set(invitation.TenantId);
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var user = await users.FindByEmailAsync(invitation.Email);
        if (user is null)
        {
            if (string.IsNullOrEmpty(request.Password))
            {
                return new FieldErrors().Require(false, "password", "Choose a password for your new account.").ToResult();
            }

            user = new PortalUser { UserName = invitation.Email, Email = invitation.Email, EmailConfirmed = true, CreatedAtUtc = now };
            var created = await users.CreateAsync(user, request.Password);
            if (!created.Succeeded)
            {
                return RegistrationHandler.IdentityErrors(created);
            }
        }
        else if (await db.Memberships.AnyAsync(m => m.UserId == user.Id, ct))
        {
            return ApiProblems.Conflict("You are already a member of this tenant.");
        }

        db.Memberships.Add(new TenantMembership { UserId = user.Id, Role = invitation.Role, CreatedAtUtc = now });
        invitation.AcceptedAtUtc = now;
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException ex) when (DbErrors.IsUniqueViolation(ex))
        {
            return ApiProblems.Conflict("You are already a member of this tenant.");
        }
        await transaction.CommitAsync(ct);

        var slug = await db.Tenants.Where(t => t.Id == invitation.TenantId).Select(t => t.Slug).SingleAsync(ct);
        return TypedResults.Ok(new RegisterResponse(user.Id, invitation.TenantId, slug));
    }
}
