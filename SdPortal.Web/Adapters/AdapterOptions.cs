using System.ComponentModel.DataAnnotations;
using SdPortal.Data.Tenants;

namespace SdPortal.Web.Adapters;

/// <summary>
/// This node's ceilings for LoRA adapter uploads (section <c>Adapters</c>); each tenant's own limits
/// (<see cref="TenantLimits.MaxAdapterBytes"/>, <see cref="TenantLimits.MaxAdapters"/>) come from its plan and apply
/// within them.
/// </summary>
public sealed class AdapterOptions
{
    public const string SectionName = "Adapters";

    /// <summary>
    /// The hard ceiling of any adapter file: the most bytes one array holds (<see cref="Array.MaxLength"/>), which is
    /// what the adapter reader parses from.
    /// </summary>
    public const long CeilingBytes = 0x7FFFFFC7;

    /// <summary>
    /// The largest adapter file this node accepts whatever a plan allows; the upload route reads at most this plus the
    /// multipart framing and a preview image, and a tenant's own limit applies within it.
    /// </summary>
    [Range(1d, CeilingBytes, ErrorMessage = "Adapters:MaxBytes must be within {1}…{2}.")]
    public long MaxBytes { get; set; } = TenantLimits.DefaultMaxAdapterBytes;
}
