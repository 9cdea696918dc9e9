using Microsoft.EntityFrameworkCore;
using SdPortal.Data;
using SdPortal.Data.ApiKeys;
using SdPortal.Data.Security;
using SdPortal.Web.Api.Access;

namespace SdPortal.Web.Api.ApiKeys;

/// <summary>The tenant's API keys, for the REST API and the admin page alike; owners and admins only.</summary>
internal sealed class ApiKeyService(PortalDbContext db, PortalCaller caller, TimeProvider time)
{
    public const string AdminsOnly = "Only owners and admins manage API keys.";

    /// <summary>Creates a key and returns it once; null name errors come back as a message.</summary>
    public async Task<(CreatedApiKey? Key, string? Error)> CreateAsync(string? requestedName, CancellationToken ct)
    {
        if (!FieldErrors.IsSingleLine(requestedName, 1, 100))
        {
            return (null, "Enter a name of 1 to 100 characters, without control characters.");
        }

        var name = requestedName!.Trim();

        var (key, hash) = OpaqueToken.Create(ApiKey.KeyPrefix);
        var apiKey = new ApiKey
        {
            UserId = caller.UserId,
            Name = name,
            Prefix = key[..ApiKey.ShownPrefixLength],
            SecretHash = hash,
            CreatedAtUtc = time.GetUtcNow().UtcDateTime,
        };
        db.ApiKeys.Add(apiKey);
        await db.SaveChangesAsync(ct);
        return (new CreatedApiKey(apiKey.Id, name, apiKey.Prefix, key, apiKey.CreatedAtUtc), null);
    }

    public Task<List<ApiKeySummary>> ListAsync(CancellationToken ct) =>
        db.ApiKeys.AsNoTracking().OrderBy(k => k.CreatedAtUtc)
            .Select(k => new ApiKeySummary(k.Id, k.Name, k.Prefix, k.CreatedAtUtc, k.LastUsedAtUtc, k.RevokedAtUtc, k.RevokedAtUtc != null))
            .ToListAsync(ct);

    /// <summary>Revokes the key; false when the tenant has no such key.</summary>
    public async Task<bool> RevokeAsync(Guid id, CancellationToken ct)
    {
        var key = await db.ApiKeys.SingleOrDefaultAsync(k => k.Id == id, ct);
        if (key is null)
        {
            return false;
        }

        key.RevokedAtUtc ??= time.GetUtcNow().UtcDateTime;
        await db.SaveChangesAsync(ct);
        return true;
    }
}
