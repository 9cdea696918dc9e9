using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using SdPortal.Data;
using SdPortal.Data.Entities;
using SdPortal.Data.Tenancy;
using SdPortal.Data.Tenants;
using SdPortal.Web.Hosting;
using SdPortal.Web.Identity;
using SdPortal.Web.Mail;

namespace SdPortal.Web.Api.Auth;

/// <summary>
/// Registration, for the REST API and the sign-up page alike: the user, their new tenant (as Owner) and its limits in one
/// transaction, and a confirmation link by mail. The starting credits come with the confirmation
/// (<see cref="EmailConfirmationHandler"/>), so unconfirmed sign-ups cannot be farmed for credits. An email that already
/// has an account gets the same 202 and the same work (a password hash, one queued mail: a notice to that address) and
/// nothing is written, so the answer does not tell who has an account. A taken tenant name answers 409: it names a
/// tenant, which is public in its URL, not an account. Per-IP limited here, so both doors spend one budget.
/// </summary>
internal sealed partial class RegistrationHandler(
    PortalDbContext db,
    UserManager<PortalUser> users,
    TenantContext tenantContext,
    EmailConfirmationHandler confirmations,
    RegistrationAttemptLimiter limiter,
    DecoyPassword decoy,
    MailOutbox outbox,
    PublicUrl publicUrl,
    MailNotices notices,
    TimeProvider time,
    ILogger<RegistrationHandler> logger)
{
    public async Task<IResult> RegisterAsync(RegisterRequest request, HttpContext http)
    {
        if (await limiter.TryAcquireAsync(http.Connection.RemoteIpAddress) is { } retryAfter)
        {
            var seconds = RetryAfterHeader.Set(http.Response, retryAfter);
            // The sign-up page renders this answer itself, so the status is set here for it too.
            if (!http.Response.HasStarted)
            {
                http.Response.StatusCode = StatusCodes.Status429TooManyRequests;
            }

            return TypedResults.Problem(statusCode: StatusCodes.Status429TooManyRequests, title: "Too many attempts",
                detail: $"Too many sign-ups from this address: try again in {seconds} s.");
        }

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
            return TenantNameTaken(slug);
        }

        if (await users.FindByEmailAsync(request.Email!) is { } existing)
        {
            return await ExistingAccountAsync(existing, request);
        }

        var user = new PortalUser { UserName = request.Email, Email = request.Email, CreatedAtUtc = now };
        var created = await users.CreateAsync(user, request.Password!);
        if (!created.Succeeded)
        {
            // A concurrent sign-up with the same email won the race: answered like any existing account.
            return IsDuplicate(created) && await users.FindByEmailAsync(request.Email!) is { } winner
                ? await ExistingAccountAsync(winner, request, hashed: true)
                : IdentityErrors(created);
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
            return TenantNameTaken(slug);
        }

        await transaction.CommitAsync(ct);
        await confirmations.SendAsync(user);
        LogRegistered(logger, user.Id, tenant.Id);
        return Accepted();
    }

    /// <summary>
    /// The answer for an address that has an account: the work of a new sign-up (a password hash, one queued mail) and
    /// its answer, nothing written. The mail is a notice; an account never confirmed gets a fresh confirmation link
    /// instead, which is how a lost or expired one is replaced.
    /// </summary>
    private async Task<IResult> ExistingAccountAsync(PortalUser existing, RegisterRequest request, bool hashed = false)
    {
        if (!hashed)
        {
            decoy.Hash(request.Password!);
        }

        if (existing.EmailConfirmed)
        {
            outbox.Enqueue(PortalMessages.SignUpAttempt(existing.Email!, publicUrl.For("/account/login"),
                publicUrl.For("/account/forgot-password")));
        }
        else
        {
            await confirmations.SendAsync(existing);
        }

        LogExistingEmail(logger, existing.EmailConfirmed);
        return Accepted();
    }

    private Accepted<RegistrationAcceptedResponse> Accepted() => TypedResults.Accepted((string?)null, new RegistrationAcceptedResponse(notices.SignUpAccepted));

    private static IResult TenantNameTaken(string slug) => ApiProblems.Conflict($"The tenant name '{slug}' is taken.");

    private static bool IsDuplicate(IdentityResult result) =>
        result.Errors.Any(e => e.Code is nameof(IdentityErrorDescriber.DuplicateEmail) or nameof(IdentityErrorDescriber.DuplicateUserName));

    internal static IResult IdentityErrors(IdentityResult result)
    {
        if (IsDuplicate(result))
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

    [LoggerMessage(Level = LogLevel.Information, Message = "User {UserId} registered tenant {TenantId}; credits wait for the email confirmation")]
    private static partial void LogRegistered(ILogger logger, Guid userId, Guid tenantId);

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Sign-up with an email that has an account (confirmed: {Confirmed}): nothing written, a notice or a new confirmation link mailed to it")]
    private static partial void LogExistingEmail(ILogger logger, bool confirmed);
}
