using Microsoft.EntityFrameworkCore;
using SdPortal.Data;
using SdPortal.Data.ApiKeys;
using SdPortal.Data.Security;
using SdPortal.Web.Api.Access;

namespace SdPortal.Web.Api.ApiKeys;

public sealed record CreateApiKeyRequest(string? Name);

public sealed record CreatedApiKey(Guid Id, string Name, string Prefix, string Key, DateTime CreatedAt);

public sealed record ApiKeySummary(Guid Id, string Name, string Prefix, DateTime CreatedAt, DateTime? LastUsedAt, DateTime? RevokedAt, bool Revoked);

/// <summary>The tenant's API keys (owners and admins): the key is shown once at creation, then only its prefix.</summary>
internal static class ApiKeyEndpoints
{
    public static void MapApiKeyEndpoints(this RouteGroupBuilder api)
    {
        var keys = api.MapGroup("/api-keys").WithTags("API keys");
        keys.MapPost(string.Empty, CreateAsync);
        keys.MapGet(string.Empty, ListAsync);
        keys.MapDelete("/{id:guid}", RevokeAsync);
    }

    private static async Task<IResult> CreateAsync(CreateApiKeyRequest request, PortalDbContext db, PortalCaller caller, TimeProvider time, CancellationToken ct)
    {
        if (!caller.IsAdmin)
        {
            return ApiProblems.Forbidden("Only owners and admins manage API keys.");
        }

        var name = request.Name?.Trim();
        if (name is not { Length: >= 1 and <= 100 })
        {
            return new FieldErrors().Require(false, "name", "Enter a name of 1 to 100 characters.").ToResult();
        }

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
        return TypedResults.Created($"/api/v1/api-keys/{apiKey.Id}", new CreatedApiKey(apiKey.Id, name, apiKey.Prefix, key, apiKey.CreatedAtUtc));
    }

    private static async Task<IResult> ListAsync(PortalDbContext db, PortalCaller caller, CancellationToken ct)
    {
        if (!caller.IsAdmin)
        {
            return ApiProblems.Forbidden("Only owners and admins manage API keys.");
        }

        var keys = await db.ApiKeys.AsNoTracking().OrderBy(k => k.CreatedAtUtc)
            .Select(k => new ApiKeySummary(k.Id, k.Name, k.Prefix, k.CreatedAtUtc, k.LastUsedAtUtc, k.RevokedAtUtc, k.RevokedAtUtc != null))
            .ToListAsync(ct);
        return TypedResults.Ok(keys);
    }

    private static async Task<IResult> RevokeAsync(Guid id, PortalDbContext db, PortalCaller caller, TimeProvider time, CancellationToken ct)
    {
        var key = await db.ApiKeys.SingleOrDefaultAsync(k => k.Id == id, ct);
        if (key is null)
        {
            return ApiProblems.NotFound();
        }

        if (!caller.IsAdmin)
        {
            return ApiProblems.Forbidden("Only owners and admins manage API keys.");
        }

        key.RevokedAtUtc ??= time.GetUtcNow().UtcDateTime;
        await db.SaveChangesAsync(ct);
        return TypedResults.NoContent();
    }
}
