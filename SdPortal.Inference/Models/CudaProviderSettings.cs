using System.ComponentModel.DataAnnotations;
using System.Globalization;

namespace SdPortal.Inference.Models;

/// <summary>
/// How ONNX Runtime's CUDA execution provider is set up for every session of a GPU (section <c>Inference:Cuda</c>).
/// The values are spelled as ORT's provider options spell them, so ORT's documentation applies word for word.
/// Each default says why it is the default today; docs/benchmarks.md lists what is still to be measured on a GPU
/// before any of them changes.
/// </summary>
public sealed class CudaProviderSettings : IValidatableObject
{
    public const string SectionName = "Inference:Cuda";

    /// <summary>Smallest <see cref="GpuMemoryLimitBytes"/> accepted: below it not even an SD 1.5 fp16 UNet (1.7 GB) fits.</summary>
    public const long MinimumMemoryLimitBytes = 1L << 30;

    /// <summary>
    /// <c>cudnn_conv_algo_search</c>: EXHAUSTIVE, HEURISTIC or DEFAULT. HEURISTIC by default: EXHAUSTIVE times every
    /// cuDNN algorithm on the first call of each convolution shape, and the step batcher runs up to six shapes (buckets)
    /// per model and latent size, so the first job at each bucket would pay it; whether the faster steady state repays
    /// that on an H100 is still to be measured (docs/benchmarks.md).
    /// </summary>
    [Required]
    [AllowedValues("EXHAUSTIVE", "HEURISTIC", "DEFAULT", ErrorMessage = "Inference:Cuda:ConvAlgorithmSearch must be EXHAUSTIVE, HEURISTIC or DEFAULT.")]
    public string ConvAlgorithmSearch { get; set; } = "HEURISTIC";

    /// <summary>
    /// <c>arena_extend_strategy</c>: kNextPowerOfTwo or kSameAsRequested. kSameAsRequested by default: the VRAM budget
    /// (<c>Inference:Residency</c>) counts models by their weights, and an arena that grows in powers of two can hold up
    /// to twice what it uses, which the budget cannot see. Its cost (more, smaller cudaMalloc calls while the arena
    /// warms up) is still to be measured.
    /// </summary>
    [Required]
    [AllowedValues("kNextPowerOfTwo", "kSameAsRequested", ErrorMessage = "Inference:Cuda:ArenaExtendStrategy must be kNextPowerOfTwo or kSameAsRequested.")]
    public string ArenaExtendStrategy { get; set; } = "kSameAsRequested";

    /// <summary>
    /// <c>gpu_mem_limit</c> in bytes for each session's arena; unset means ORT's default (no limit). Unset by default:
    /// one process owns the GPU and the residency budget decides which models stay; a limit makes a session fail with an
    /// out-of-memory error (which the batcher retries smaller) instead of growing into another model's room.
    /// </summary>
    public long? GpuMemoryLimitBytes { get; set; }

    /// <summary>
    /// <c>do_copy_in_default_stream</c>. On by default (ORT's default): host↔device copies run on the compute stream, so
    /// a copy can never race a kernel. The latents cross to the device and back every step (64 KB per sample at 512²),
    /// so the overlap a separate copy stream could buy is small; still to be measured.
    /// </summary>
    public bool CopyInDefaultStream { get; set; } = true;

    /// <summary>
    /// <c>enable_cuda_graph</c>. Off by default, and only for experiments: ORT replays a captured graph over the same
    /// device addresses, so every input and output must be bound to device memory; the engine binds host tensors today
    /// (ADR-010), and with them a captured run fails.
    /// </summary>
    public bool EnableCudaGraph { get; set; }

    /// <summary>
    /// <c>cudnn_conv_use_max_workspace</c>. On by default (ORT's default since 1.14): cuDNN may pick algorithms that need
    /// a large transient workspace, usually the fastest for SD's 3×3 convolutions; the peak memory it adds per bucket is
    /// still to be measured against the residency budget.
    /// </summary>
    public bool ConvUseMaxWorkspace { get; set; } = true;

    /// <summary>
    /// <c>prefer_nhwc</c>. Off by default: in an NCHW graph ORT's layout transformer then wraps convolutions in
    /// transposes, which pays off only with fp16 tensor-core kernels; plain vs fused (channels-last) graph forms are
    /// still to be measured with it on and off.
    /// </summary>
    public bool PreferNhwc { get; set; }

    /// <summary>The CUDA provider options for GPU <paramref name="deviceId"/>, keyed as ORT names them.</summary>
    public IReadOnlyDictionary<string, string> ToProviderOptions(int deviceId)
    {
        var options = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["device_id"] = deviceId.ToString(CultureInfo.InvariantCulture),
            ["cudnn_conv_algo_search"] = ConvAlgorithmSearch,
            ["arena_extend_strategy"] = ArenaExtendStrategy,
            ["do_copy_in_default_stream"] = Flag(CopyInDefaultStream),
            ["enable_cuda_graph"] = Flag(EnableCudaGraph),
            ["cudnn_conv_use_max_workspace"] = Flag(ConvUseMaxWorkspace),
            ["prefer_nhwc"] = Flag(PreferNhwc),
        };
        if (GpuMemoryLimitBytes is { } limit)
        {
            options["gpu_mem_limit"] = limit.ToString(CultureInfo.InvariantCulture);
        }

        return options;
    }

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (GpuMemoryLimitBytes is { } limit && limit < MinimumMemoryLimitBytes)
        {
            yield return new ValidationResult(
                $"Inference:Cuda:GpuMemoryLimitBytes is {limit} bytes; leave it unset or give at least {MinimumMemoryLimitBytes} (1 GiB): an SD 1.5 fp16 UNet alone needs 1.7 GB.",
                [nameof(GpuMemoryLimitBytes)]);
        }
    }

    private static string Flag(bool value) => value ? "1" : "0";
}
