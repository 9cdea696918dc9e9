using Microsoft.EntityFrameworkCore;
using SdPortal.Data;
using SdPortal.Data.Images;
using SdPortal.Data.Inputs;
using SdPortal.Inference.Pipeline;

namespace SdPortal.Web.Inputs;

/// <summary>
/// The one rule for the input images a spec names: each must be an input image of the scope's tenant uploaded by the
/// submitting member (another member's id answers as unknown, R16), and a mask must have its init image's size. Also
/// loads the files for the worker's ticket.
/// </summary>
public sealed class InputImageAccess(PortalDbContext db, IImageStore store)
{
    /// <summary>The input images of the scope's tenant that <paramref name="userId"/> may name in a spec.</summary>
    public IQueryable<InputImage> UsableBy(Guid userId) => db.InputImages.AsNoTracking().Where(i => i.UserId == userId);

    /// <summary>Field errors for the images <paramref name="spec"/> names; empty when it names none or all are usable.</summary>
    public async Task<IReadOnlyList<GenerationFieldError>> CheckAsync(GenerationSpec spec, Guid userId, CancellationToken ct)
    {
        var errors = new List<GenerationFieldError>();
        var init = spec.InitImageId is { } initId ? await UsableBy(userId).SingleOrDefaultAsync(i => i.Id == initId, ct) : null;
        if (spec.InitImageId is not null && init is null)
        {
            errors.Add(new("initImageId", "names no input image of yours; upload one to /api/v1/input-images"));
        }

        var mask = spec.MaskImageId is { } maskId ? await UsableBy(userId).SingleOrDefaultAsync(i => i.Id == maskId, ct) : null;
        if (spec.MaskImageId is not null && mask is null)
        {
            errors.Add(new("maskImageId", "names no input image of yours; upload one to /api/v1/input-images"));
        }
        else if (init is not null && mask is not null && (mask.Width != init.Width || mask.Height != init.Height))
        {
            errors.Add(new("maskImageId", $"is {mask.Width}×{mask.Height}; a mask must have its init image's size, {init.Width}×{init.Height}"));
        }

        return errors;
    }

    /// <summary>
    /// The files of the images <paramref name="spec"/> names, of tenant <paramref name="tenantId"/> (the scope's), or
    /// null when it names none. Throws <see cref="InputImageMissingException"/> when one was deleted since admission.
    /// </summary>
    public async Task<GenerationInputs?> LoadAsync(Guid tenantId, GenerationSpec spec, CancellationToken ct)
    {
        if (spec.InitImageId is not { } initId)
        {
            return null;
        }

        var init = await ReadAsync(tenantId, initId, ct);
        var mask = spec.MaskImageId is { } maskId ? await ReadAsync(tenantId, maskId, ct) : null;
        return new GenerationInputs(init, mask);
    }

    private async Task<byte[]> ReadAsync(Guid tenantId, Guid id, CancellationToken ct)
    {
        var row = await db.InputImages.AsNoTracking().SingleOrDefaultAsync(i => i.Id == id, ct);
        await using var file = row is null ? null : store.OpenRead(tenantId, row.ContentPath);
        if (file is null)
        {
            throw new InputImageMissingException(id);
        }

        using var buffer = new MemoryStream((int)Math.Min(row!.SizeBytes, int.MaxValue));
        await file.CopyToAsync(buffer, ct);
        return buffer.ToArray();
    }
}

/// <summary>An input image a job names was deleted after the job was accepted.</summary>
public sealed class InputImageMissingException(Guid id)
    : Exception($"The input image {id} was deleted after the job was accepted.")
{
    public Guid ImageId { get; } = id;
}
