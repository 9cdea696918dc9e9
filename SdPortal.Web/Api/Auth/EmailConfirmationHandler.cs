using System.Text;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;
using SdPortal.Data;
using SdPortal.Data.Credits;
using SdPortal.Data.Entities;
using SdPortal.Data.Tenancy;
using SdPortal.Data.Tenants;
using SdPortal.Web.Hosting;

namespace SdPortal.Web.Api.Auth;

/// <summary>
/// Email confirmation, for the REST API and the confirmation page alike. Confirming grants the sign-up credits to the
/// tenant its owner registered, under the ledger key <c>signup:{tenantId}</c>, so a second confirmation (or a tenant
/// that got them before credits waited for confirmation) grants nothing more.
/// </summary>
internal sealed partial class EmailConfirmationHandler(
    PortalDbContext db,
    UserManager<PortalUser> users,
    IEmailSender<PortalUser> email,
    ICreditLedger ledger,
    TenantContext tenantContext,
    PublicUrl publicUrl,
    ILogger<EmailConfirmationHandler> logger)
{
    public const string ConfirmPagePath = "/account/confirm-email";

    /// <summary>Queues the confirmation link for <paramref name="user"/>; it opens the confirmation page at the public URL.</summary>
    public async Task SendAsync(PortalUser user)
    {
        var token = await users.GenerateEmailConfirmationTokenAsync(user);
        var code = WebEncoders.Base64UrlEncode(Encoding.UTF8.GetBytes(token));
        var link = publicUrl.For($"{ConfirmPagePath}?userId={user.Id}&code={code}");
        await email.SendConfirmationLinkAsync(user, user.Email!, link);
    }

    /// <summary>Confirms the address with the link's code and grants the sign-up credits: 204, 404 or 400 naming the code.</summary>
    public async Task<IResult> ConfirmAsync(Guid userId, string? code, CancellationToken ct)
    {
        var user = await users.FindByIdAsync(userId.ToString());
        if (user is null)
        {
            return ApiProblems.NotFound();
        }

        string token;
        try
        {
            token = Encoding.UTF8.GetString(WebEncoders.Base64UrlDecode(code ?? string.Empty));
        }
        catch (FormatException)
        {
            return new FieldErrors().Require(false, "code", "The confirmation code is malformed.").ToResult();
        }

        var result = await users.ConfirmEmailAsync(user, token);
        if (!result.Succeeded)
        {
            return new FieldErrors().Require(false, "code", "The confirmation code is invalid or expired.").ToResult();
        }

        await GrantSignUpCreditsAsync(user, ct);
        return TypedResults.NoContent();
    }

    private async Task GrantSignUpCreditsAsync(PortalUser user, CancellationToken ct)
    {
        // The tenant created with the account: the user's first owner membership (invitations never create tenants,
        // so each tenant is granted at most once, whoever confirms).
        var tenantId = await db.Memberships.IgnoreQueryFilters([TenantIsolation.FilterName])
            .Where(m => m.UserId == user.Id && m.Role == TenantRole.Owner)
            .OrderBy(m => m.CreatedAtUtc)
            .Select(m => (Guid?)m.TenantId)
            .FirstOrDefaultAsync(ct);
        if (tenantId is not { } id)
        {
            return;
        }

        tenantContext.Set(id);
        var granted = await ledger.GrantAsync(id, TenantLimits.FreePlanIncludedCredits, $"signup:{id:N}", "Included credits on sign-up", ct);
        LogConfirmed(logger, user.Id, id, granted.Outcome);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "User {UserId} confirmed their email; sign-up credits for tenant {TenantId}: {Outcome}")]
    private static partial void LogConfirmed(ILogger logger, Guid userId, Guid tenantId, CreditOutcome outcome);
}
