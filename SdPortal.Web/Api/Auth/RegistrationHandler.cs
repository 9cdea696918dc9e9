using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using SdPortal.Data;
using SdPortal.Data.Credits;
using SdPortal.Data.Entities;
using SdPortal.Data.Tenancy;
using SdPortal.Data.Tenants;
using SdPortal.Web.Hosting;

namespace SdPortal.Web.Api.Auth;

/// <summary>
/// Registration: the user, their new tenant (as Owner), its limits and its sign-up credits, in one transaction; a
/// duplicate email or slug answers 409 with nothing written.
/// </summary>
internal sealed class RegistrationHandler(
    PortalDbContext db,
    UserManager<PortalUser> users,
    TenantContext tenantContext,
    ICreditLedger ledger,
    IEmailSender<PortalUser> email,
    LinkGenerator links,
    PublicUrl publicUrl,
    TimeProvider time)
{
    public async Task<IResult> RegisterAsync(RegisterRequest request, HttpContext http)
    {
        var slug = Slugs.From(request.TenantName ?? string.Empty);
        var errors = new FieldErrors()
            .Require(FieldErrors.IsEmail(request.Email), "email", "Enter a valid email address.")
            .Require(!string.IsNullOrEmpty(request.Password), "password", "Choose a password.")
            .Require(FieldErrors.IsSingleLine(request.TenantName, 2, 100) && slug.Length >= 2, "tenantName",
                "Enter a tenant name of 2 to 100 characters, with at least two letters or digits and no control characters.");
        // The password policy is checked here too, so one answer names every problem (Identity alone would report it
        // only once the other fields pass).
        if (!string.IsNullOrEmpty(request.Password))
        {
            var candidate = new PortalUser { UserName = request.Email, Email = request.Email };
            foreach (var validator in users.PasswordValidators)
            {
                var checkedPassword = await validator.ValidateAsync(users, candidate, request.Password);
                foreach (var error in checkedPassword.Errors)
                {
                    errors.Add("password", error.Description);
                }
            }
        }

        if (errors.Any)
        {
            return errors.ToResult();
        }

        var ct = http.RequestAborted;
        var now = time.GetUtcNow().UtcDateTime;
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        if (await db.Tenants.AnyAsync(t => t.Slug == slug, ct))
        {
            return ApiProblems.Conflict($"The tenant name '{slug}' is taken.");
        }

        var user = new PortalUser { UserName = request.Email, Email = request.Email, CreatedAtUtc = now };
        var created = await users.CreateAsync(user, request.Password!);
        if (!created.Succeeded)
        {
            return IdentityErrors(created);
        }

        var tenant = new Tenant { Name = request.TenantName!.Trim(), Slug = slug, CreatedAtUtc = now };
        tenantContext.Set(tenant.Id);
        db.Tenants.Add(tenant);
        db.Memberships.Add(new TenantMembership { TenantId = tenant.Id, UserId = user.Id, Role = TenantRole.Owner, CreatedAtUtc = now });
        db.TenantLimits.Add(new TenantLimits { TenantId = tenant.Id });
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException ex) when (DbErrors.IsUniqueViolation(ex))
        {
            return ApiProblems.Conflict($"The tenant name '{slug}' is taken.");
        }

        await ledger.GrantAsync(tenant.Id, TenantLimits.FreePlanIncludedCredits, $"signup:{tenant.Id:N}", "Included credits on sign-up", ct);
        await transaction.CommitAsync(ct);

        await AuthEndpoints.SendConfirmationAsync(users, email, links, publicUrl, user);
        return TypedResults.Created($"/api/v1/tenant", new RegisterResponse(user.Id, tenant.Id, tenant.Slug));
    }

    internal static IResult IdentityErrors(IdentityResult result)
    {
        if (result.Errors.Any(e => e.Code is nameof(IdentityErrorDescriber.DuplicateEmail) or nameof(IdentityErrorDescriber.DuplicateUserName)))
        {
            return ApiProblems.Conflict("An account with this email already exists.");
        }

        var errors = new FieldErrors();
        foreach (var error in result.Errors)
        {
            errors.Add(error.Code.StartsWith("Password", StringComparison.Ordinal) ? "password" : "email", error.Description);
        }

        return errors.ToResult();
    }
}
