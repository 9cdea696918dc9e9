using SdPortal.Data.Adapters;

namespace SdPortal.Web.Adapters;

/// <summary>A LoRA adapter as the API returns it and the Adapters page shows it.</summary>
/// <param name="Id">The adapter's id.</param>
/// <param name="Name">What prompts (<c>&lt;lora:name:w&gt;</c>) and specs (<c>loras[].name</c>) call it.</param>
/// <param name="TriggerWords">Words that bring out what it learned, if its uploader gave any.</param>
/// <param name="Shared">Every member of the tenant may use it.</param>
/// <param name="Mine">The caller uploaded it.</param>
/// <param name="SizeBytes">The file's size.</param>
/// <param name="Format">"kohya" or "peft", by its keys.</param>
/// <param name="Rank">The largest rank of its modules.</param>
/// <param name="ModuleCount">The layers it changes.</param>
/// <param name="TargetsTextEncoder">Whether it changes the text encoder too.</param>
/// <param name="CompatibleModels">The catalogue models it was matched against and fits.</param>
/// <param name="ContentHash">SHA-256 of the file (hex), as <c>Lora hashes</c> records it.</param>
/// <param name="CreatedAt">When it was uploaded (UTC).</param>
/// <param name="FileUrl">The file's download.</param>
/// <param name="PreviewUrl">Its preview image, or null when it has none.</param>
public sealed record LoraAdapterResponse(
    Guid Id,
    string Name,
    string? TriggerWords,
    bool Shared,
    bool Mine,
    long SizeBytes,
    string Format,
    int Rank,
    int ModuleCount,
    bool TargetsTextEncoder,
    IReadOnlyList<string> CompatibleModels,
    string ContentHash,
    DateTime CreatedAt,
    string FileUrl,
    string? PreviewUrl)
{
    /// <summary>The row as <paramref name="callerId"/> sees it; the time marked UTC, as it is stored (SQLite reads it back without a kind).</summary>
    public static LoraAdapterResponse From(LoraAdapter adapter, Guid callerId) => new(
        adapter.Id, adapter.Name, adapter.TriggerWords, adapter.SharedWithTenant, adapter.UserId == callerId, adapter.SizeBytes,
        adapter.Format, adapter.Rank, adapter.ModuleCount, adapter.TargetsTextEncoder, adapter.CompatibleModels, adapter.ContentHash,
        DateTime.SpecifyKind(adapter.CreatedAtUtc, DateTimeKind.Utc), $"{LoraAdapterEndpoints.Path}/{adapter.Id}/file",
        adapter.PreviewPath is null ? null : $"{LoraAdapterEndpoints.Path}/{adapter.Id}/preview");
}

/// <summary>A page of the adapters the caller sees, newest first; <see cref="NextCursor"/> is null on the last page.</summary>
public sealed record LoraAdapterPage(IReadOnlyList<LoraAdapterResponse> Items, string? NextCursor);

/// <summary>An upload: the fields of the form and the file's bytes (and the preview's, if any).</summary>
/// <param name="Name">The name to give it, as typed.</param>
/// <param name="TriggerWords">Optional trigger words, as typed.</param>
/// <param name="File">The adapter file's bytes.</param>
/// <param name="Preview">An optional preview image's bytes (PNG, JPEG or WebP).</param>
/// <param name="FileName">The name the client gave the file, used only to refuse pickle checkpoints by their extension.</param>
public sealed record LoraUploadRequest(string? Name, string? TriggerWords, ReadOnlyMemory<byte> File, string? FileName = null, ReadOnlyMemory<byte>? Preview = null);

/// <summary>A change: null leaves a field as it is; an empty <see cref="TriggerWords"/> clears them.</summary>
public sealed record LoraAdapterPatch(string? Name, string? TriggerWords, bool? Shared);

/// <summary>The tenant's adapter limits as they apply on this node.</summary>
/// <param name="MaxBytes">The largest file: the plan's limit within this node's <see cref="AdapterOptions.MaxBytes"/>.</param>
/// <param name="MaxAdapters">Adapters the tenant may keep.</param>
/// <param name="Count">Adapters the tenant keeps now.</param>
public sealed record LoraAdapterLimits(long MaxBytes, int MaxAdapters, int Count);

/// <summary>Why an upload or a change was refused; nothing was stored or changed.</summary>
public enum LoraRefusal
{
    /// <summary>A field breaks its rules, or the file is not a safetensors adapter the engine reads (400).</summary>
    Invalid,

    /// <summary>The file is over the plan's size, or the preview over the input image limit (413).</summary>
    TooLarge,

    /// <summary>A pickle checkpoint, or a preview that is not a PNG, JPEG or WebP image (415).</summary>
    UnsupportedType,

    /// <summary>It fits no model of the catalogue, or the preview does not decode within the limits (422).</summary>
    Unusable,

    /// <summary>The tenant keeps as many adapters as its plan allows, or the name is taken (409).</summary>
    Conflict,

    /// <summary>The caller may see the adapter but not make this change (403).</summary>
    Forbidden,
}

/// <summary>What an upload or a change came to; exactly one of the cases.</summary>
public abstract record LoraOutcome
{
    /// <summary>The adapter as stored now.</summary>
    public sealed record Stored(LoraAdapter Adapter) : LoraOutcome;

    /// <summary>Refused, with messages a user may read keyed by the form field they are about.</summary>
    public sealed record Refused(LoraRefusal Reason, IReadOnlyDictionary<string, string[]> Errors) : LoraOutcome
    {
        public Refused(LoraRefusal reason, string field, string message)
            : this(reason, new Dictionary<string, string[]> { [field] = [message] })
        {
        }
    }

    /// <summary>The caller sees no such adapter (unknown, another member's unshared one, another tenant's).</summary>
    public sealed record NotFound : LoraOutcome;
}

/// <summary>An adapter a job names, resolved for the worker's ticket.</summary>
/// <param name="Name">The adapter's own name (as stored, whatever the case the job used).</param>
/// <param name="AdapterId">The adapter's id.</param>
/// <param name="ContentPath">The store-relative path of its file, within the job's tenant.</param>
/// <param name="ContentHash">SHA-256 of the file (hex), as <c>Lora hashes</c> records it.</param>
public sealed record ResolvedLora(string Name, Guid AdapterId, string ContentPath, string ContentHash);

/// <summary>The adapters a job names, in its order, or the field errors (keyed <c>loras[i].name</c>) that refuse it.</summary>
public sealed record LoraResolution(IReadOnlyList<ResolvedLora> Adapters, IReadOnlyList<Inference.Pipeline.GenerationFieldError> Errors)
{
    public bool Succeeded => Errors.Count == 0;
}
