using Microsoft.EntityFrameworkCore;
using SdPortal.Data;
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

    private static async Task<IResult> CreateAsync(CreateApiKeyRequest request, ApiKeyService keys, PortalCaller caller, CancellationToken ct)
    {
        if (!caller.IsAdmin)
        {
            return ApiProblems.Forbidden(ApiKeyService.AdminsOnly);
        }

        var (key, error) = await keys.CreateAsync(request.Name, ct);
        return key is null
            ? new FieldErrors().Require(false, "name", error!).ToResult()
            : TypedResults.Created($"/api/v1/api-keys/{key.Id}", key);
    }

    private static async Task<IResult> ListAsync(ApiKeyService keys, PortalCaller caller, CancellationToken ct) =>
        caller.IsAdmin ? TypedResults.Ok(await keys.ListAsync(ct)) : ApiProblems.Forbidden(ApiKeyService.AdminsOnly);

    private static async Task<IResult> RevokeAsync(Guid id, ApiKeyService keys, PortalDbContext db, PortalCaller caller, CancellationToken ct)
    {
        // Another tenant's key, or none at all, is a 404 whoever asks (R16); only then does the role matter.
        if (!await db.ApiKeys.AnyAsync(k => k.Id == id, ct))
        {
            return ApiProblems.NotFound();
        }

        if (!caller.IsAdmin)
        {
            return ApiProblems.Forbidden(ApiKeyService.AdminsOnly);
        }

        await keys.RevokeAsync(id, ct);
        return TypedResults.NoContent();
    }
}
