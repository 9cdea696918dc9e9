using SdPortal.Data.Tenancy;

namespace SdPortal.Data.Adapters;

/// <summary>
/// A LoRA adapter a member uploaded (a <c>.safetensors</c> file of low-rank weight deltas, e.g. a shop's product
/// LoRA). The file is kept as uploaded in the <see cref="Images.IImageStore"/>, beside the tenant's images and with the
/// same isolation; prompts (<c>&lt;lora:name:w&gt;</c>) and specs (<c>loras[].name</c>) name it by <see cref="Name"/>.
/// Who may use, see, change and share it is <c>LoraAdapterAccess</c>'s rule alone.
/// </summary>
public sealed class LoraAdapter : ITenantOwned
{
    /// <summary>The longest <see cref="Name"/>.</summary>
    public const int MaxNameLength = 64;

    /// <summary>The longest <see cref="TriggerWords"/>.</summary>
    public const int MaxTriggerWordsLength = 500;

    public Guid Id { get; set; } = Guid.CreateVersion7();

    public Guid TenantId { get; set; }

    /// <summary>The member who uploaded it.</summary>
    public Guid UserId { get; set; }

    /// <summary>What prompts and specs call it: 1–64 of <c>[A-Za-z0-9_.-]</c>, starting with a letter or digit.</summary>
    public required string Name { get; set; }

    /// <summary>
    /// <see cref="Name"/> upper-cased (<see cref="Normalize"/>), unique per tenant: two adapters of a tenant never differ
    /// only in case, so a prompt's <c>&lt;lora:Product:1&gt;</c> and <c>&lt;lora:product:1&gt;</c> name the same one.
    /// </summary>
    public required string NormalizedName { get; set; }

    /// <summary>Words that bring out what the adapter learned (shown beside it; the user adds them to a prompt).</summary>
    public string? TriggerWords { get; set; }

    /// <summary>Every member of the tenant may use it, not only its uploader; only an admin sets this.</summary>
    public bool SharedWithTenant { get; set; }

    /// <summary>The store-relative path of the file, e.g. "{tenant}/{adapter}.safetensors".</summary>
    public required string ContentPath { get; set; }

    /// <summary>SHA-256 (hex, lower case) of the file, as <c>Lora hashes</c> records it.</summary>
    public required string ContentHash { get; set; }

    public long SizeBytes { get; set; }

    /// <summary>"kohya" (<c>lora_unet_…</c> keys) or "peft" (diffusers' <c>unet.….lora_A</c> keys).</summary>
    public required string Format { get; set; }

    /// <summary>The largest rank of its modules.</summary>
    public int Rank { get; set; }

    /// <summary>The layers it changes.</summary>
    public int ModuleCount { get; set; }

    /// <summary>Whether it changes text encoder layers as well as the UNet's.</summary>
    public bool TargetsTextEncoder { get; set; }

    /// <summary>The catalogue models whose weights it was matched against and fits.</summary>
    public List<string> CompatibleModels { get; set; } = [];

    /// <summary>
    /// The catalogue models it was matched against (a superset of <see cref="CompatibleModels"/>): one checked and not
    /// compatible is refused at once, one added to the catalogue later is matched when a job first names it.
    /// </summary>
    public List<string> CheckedModels { get; set; } = [];

    /// <summary>The store-relative path of the optional preview image, e.g. "{tenant}/{adapter}.png".</summary>
    public string? PreviewPath { get; set; }

    /// <summary>"png", "jpeg" or "webp" when there is a preview, as the decoder found it.</summary>
    public string? PreviewFormat { get; set; }

    public DateTime CreatedAtUtc { get; set; }

    /// <summary>The unique form of a name (names are ASCII, so upper-casing is the same in every culture).</summary>
    public static string Normalize(string name) => name.ToUpperInvariant();
}
