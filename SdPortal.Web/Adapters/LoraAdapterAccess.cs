using Microsoft.EntityFrameworkCore;
using SdPortal.Data;
using SdPortal.Data.Adapters;
using SdPortal.Data.Images;
using SdPortal.Inference.Lora;
using SdPortal.Inference.Pipeline;

namespace SdPortal.Web.Adapters;

/// <summary>
/// The one rule for LoRA adapters, within the scope's tenant (another tenant's adapter is never seen: the query
/// filter, answered as 404): a member <b>uses</b> (names in a job) the adapters they uploaded and those shared with the
/// tenant; a member <b>sees</b> those, an admin every adapter of the tenant; a member <b>changes or deletes</b> their
/// own, an admin any; only an admin <b>shares</b>.
/// </summary>
public sealed class LoraAdapterAccess(PortalDbContext db, IImageStore store, LoraModelMatcher matcher)
{
    /// <summary>The adapters <paramref name="userId"/> may name in a job: their own and the tenant's shared ones.</summary>
    public IQueryable<LoraAdapter> UsableBy(Guid userId) =>
        db.LoraAdapters.AsNoTracking().Where(a => a.UserId == userId || a.SharedWithTenant);

    /// <summary>
    /// The adapters <paramref name="userId"/> sees (lists, reads, downloads): those they may use, and for an admin every
    /// adapter of the tenant, which they manage.
    /// </summary>
    public IQueryable<LoraAdapter> VisibleTo(Guid userId, bool isAdmin) =>
        isAdmin ? db.LoraAdapters.AsNoTracking() : UsableBy(userId);

    /// <summary>Whether <paramref name="userId"/> may rename, re-describe or delete <paramref name="adapter"/> (one they see).</summary>
    public static bool CanChange(LoraAdapter adapter, Guid userId, bool isAdmin) => isAdmin || adapter.UserId == userId;

    /// <summary>Whether the caller may share an adapter with the tenant, or stop sharing it.</summary>
    public static bool CanShare(bool isAdmin) => isAdmin;

    /// <summary>
    /// The adapters a job of <paramref name="userId"/> on <paramref name="model"/> names, in the order of
    /// <paramref name="names"/> (matched case-insensitively), or the field errors <c>loras[i].name</c> that refuse it:
    /// a name of no adapter the user may use, or one that does not fit the model. An adapter not yet matched against
    /// the model (added to the catalogue after the upload) is matched now, when this node holds the model; a model
    /// held only by inference hosts is theirs to judge.
    /// </summary>
    public async Task<LoraResolution> ResolveForJobAsync(Guid tenantId, Guid userId, IReadOnlyList<string> names, string model, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(names);
        if (tenantId != db.CurrentTenantId)
        {
            throw new ArgumentException($"Adapters of tenant {tenantId} are resolved in a scope of that tenant, not of {db.CurrentTenantId}.", nameof(tenantId));
        }

        if (names.Count == 0)
        {
            return new LoraResolution([], []);
        }

        var normalized = names.Select(n => LoraAdapter.Normalize(n ?? string.Empty)).Distinct().ToList();
        var found = await UsableBy(userId).Where(a => normalized.Contains(a.NormalizedName)).ToDictionaryAsync(a => a.NormalizedName, ct);
        var resolved = new List<ResolvedLora>();
        var errors = new List<GenerationFieldError>();
        for (var i = 0; i < names.Count; i++)
        {
            var field = $"loras[{i}].name";
            if (!found.TryGetValue(LoraAdapter.Normalize(names[i] ?? string.Empty), out var adapter))
            {
                errors.Add(new(field, $"{GenerationSpec.Quote(names[i] ?? string.Empty)} names no adapter you can use; upload one to {LoraAdapterEndpoints.Path}"));
            }
            else if (!await FitsAsync(adapter, model, ct))
            {
                errors.Add(new(field, $"{GenerationSpec.Quote(adapter.Name)} does not fit model {GenerationSpec.Quote(model)}"
                                      + (adapter.CompatibleModels.Count > 0 ? $"; it fits {string.Join(", ", adapter.CompatibleModels)}" : string.Empty)));
            }
            else
            {
                resolved.Add(new ResolvedLora(adapter.Name, adapter.Id, adapter.ContentPath, adapter.ContentHash));
            }
        }

        return errors.Count > 0 ? new LoraResolution([], errors) : new LoraResolution(resolved, []);
    }

    /// <summary>Whether <paramref name="adapter"/> fits <paramref name="model"/>, as far as this node can tell.</summary>
    private async Task<bool> FitsAsync(LoraAdapter adapter, string model, CancellationToken ct)
    {
        if (adapter.CompatibleModels.Contains(model))
        {
            return true;
        }

        if (adapter.CheckedModels.Contains(model))
        {
            return false;
        }

        if (!matcher.Holds(model))
        {
            return true;
        }

        // Matched once, when a job first names the model, and remembered; a file that cannot be read fits nothing.
        var weights = await ReadWeightsAsync(adapter, ct);
        var fits = weights is not null && matcher.Match(model, weights) is { Fits: true };
        if (await db.LoraAdapters.SingleOrDefaultAsync(a => a.Id == adapter.Id, ct) is { } row && !row.CheckedModels.Contains(model))
        {
            row.CheckedModels = [.. row.CheckedModels, model];
            row.CompatibleModels = fits ? [.. row.CompatibleModels, model] : row.CompatibleModels;
            await db.SaveChangesAsync(ct);
        }

        return fits;
    }

    private async Task<LoraWeights?> ReadWeightsAsync(LoraAdapter adapter, CancellationToken ct)
    {
        await using var file = store.OpenRead(adapter.TenantId, adapter.ContentPath);
        if (file is null)
        {
            return null;
        }

        using var buffer = new MemoryStream((int)Math.Min(adapter.SizeBytes, AdapterOptions.CeilingBytes));
        await file.CopyToAsync(buffer, ct);
        try
        {
            return LoraWeights.Parse(buffer.GetBuffer().AsMemory(0, (int)buffer.Length));
        }
        catch (LoraFormatException)
        {
            return null;
        }
    }
}
