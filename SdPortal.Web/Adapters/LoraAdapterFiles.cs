using SdPortal.Data.Images;
using SdPortal.Inference.Lora;
using SdPortal.Inference.Pipeline;

namespace SdPortal.Web.Adapters;

/// <summary>
/// The read adapter files a job runs with, loaded when a worker starts it: each name the spec gives is resolved again
/// under the job owner's access (an adapter deleted, renamed or unshared since admission fails the job, credits
/// released) and its file read from the store. Parsed files are kept by content hash (<see cref="LoraWeightsCache"/>).
/// </summary>
public sealed class LoraAdapterFiles(IImageStore store)
{
    private readonly LoraWeightsCache _parsed = new();

    /// <summary>The files by the names the spec uses, or null when one can no longer be used.</summary>
    public async Task<IReadOnlyDictionary<string, LoraWeights>?> LoadAsync(
        LoraAdapterAccess access, Guid tenantId, Guid userId, GenerationSpec spec, string model, CancellationToken ct)
    {
        var names = spec.Adapters.Select(a => a.Name).ToList();
        var resolution = await access.ResolveForJobAsync(tenantId, userId, names, model, ct);
        if (!resolution.Succeeded)
        {
            return null;
        }

        var files = new Dictionary<string, LoraWeights>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < names.Count; i++)
        {
            var adapter = resolution.Adapters[i];
            if (!_parsed.TryGet(adapter.ContentHash, out var weights))
            {
                await using var stream = store.OpenRead(tenantId, adapter.ContentPath);
                if (stream is null)
                {
                    return null;
                }

                using var buffer = new MemoryStream();
                await stream.CopyToAsync(buffer, ct);
                weights = LoraWeights.Parse(buffer.GetBuffer().AsMemory(0, (int)buffer.Length));
                _parsed.Keep(weights);
            }

            files[names[i]] = weights;
        }

        return files;
    }
}
