using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using SdPortal.Data;
using SdPortal.Data.ApiKeys;
using SdPortal.Data.Security;
using SdPortal.Data.Tenancy;

namespace SdPortal.Web.Identity;

/// <summary>
/// Authenticates <c>Authorization: Bearer sdp_…</c> as the key's creator inside the key's tenant. The key is looked up
/// by its SHA-256 on every request, so a revoked key fails on the very next one.
/// </summary>
internal sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    PortalDbContext db,
    TimeProvider time) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    private static readonly TimeSpan LastUsedResolution = TimeSpan.FromMinutes(1);

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (ReadKey(Request) is not { } key)
        {
            return AuthenticateResult.NoResult();
        }

        var hash = OpaqueToken.Hash(key);
        // The key is the credential: the lookup must cross tenants, and names the filter it ignores.
        var keys = db.ApiKeys.IgnoreQueryFilters([TenantIsolation.FilterName]);
        var found = await keys.AsNoTracking()
            .Where(k => k.SecretHash == hash && k.RevokedAtUtc == null)
            .Select(k => new { k.Id, k.TenantId, k.UserId, k.LastUsedAtUtc })
            .SingleOrDefaultAsync(Context.RequestAborted);
        if (found is null)
        {
            return AuthenticateResult.Fail("Unknown or revoked API key.");
        }

        var now = time.GetUtcNow().UtcDateTime;
        if (found.LastUsedAtUtc is not { } lastUsed || now - lastUsed > LastUsedResolution)
        {
            await keys.Where(k => k.Id == found.Id)
                .ExecuteUpdateAsync(s => s.SetProperty(k => k.LastUsedAtUtc, now), Context.RequestAborted);
        }

        var identity = new ClaimsIdentity(
            [
                new Claim(ClaimTypes.NameIdentifier, found.UserId.ToString()),
                new Claim(PortalClaims.TenantId, found.TenantId.ToString()),
                new Claim(PortalClaims.ApiKeyId, found.Id.ToString()),
            ],
            Scheme.Name);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), Scheme.Name));
    }

    internal static string? ReadKey(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        const string bearer = "Bearer ";
        if (!header.StartsWith(bearer, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var token = header[bearer.Length..].Trim();
        return token.StartsWith(ApiKey.KeyPrefix, StringComparison.Ordinal) ? token : null;
    }
}
