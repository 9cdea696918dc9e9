using System.ComponentModel.DataAnnotations;

namespace SdPortal.Inference.Engine;

/// <summary>
/// Which models stay open on a device (section <c>Inference:Residency</c>): a memory budget per device within which
/// idle models are closed least recently used first, and how strongly a job prefers a device that has its model open.
/// A model's size is estimated as the bytes of its ONNX files (text encoder, UNet, VAE decoder, with external weights):
/// the weights ORT copies to the device. Activations, cuDNN workspaces, the arena's slack and CUDA graphs come on top,
/// which is why a GPU's budget is a fraction of its memory.
/// </summary>
public sealed class ResidencyOptions
{
    public const string SectionName = "Inference:Residency";

    /// <summary>
    /// The budget per device in bytes, on the CPU as on GPUs. Unset by default: a GPU then uses
    /// <see cref="DeviceMemoryFraction"/> of its memory when the driver reports it, and the CPU has no budget (its models
    /// live in host memory that the operating system pages; the tiny model is 10 MB).
    /// </summary>
    [Range(1, long.MaxValue, ErrorMessage = "Inference:Residency:BudgetBytes must be a positive number of bytes (or unset).")]
    public long? BudgetBytes { get; set; }

    /// <summary>
    /// The share of a GPU's memory (as NVML reports it) its models' weights may take when <see cref="BudgetBytes"/> is
    /// unset. 0.5 by default: an SD 1.5 fp16 model is about 2 GB of weights, while a guided call at the 32-sample bucket
    /// needs activation memory of the same order or more, plus cuDNN workspaces; the real peak per bucket is still to be
    /// measured (docs/benchmarks.md), and until then half the device is left for it.
    /// </summary>
    [Range(0.05, 1.0, ErrorMessage = "Inference:Residency:DeviceMemoryFraction must lie between 0.05 and 1.")]
    public double DeviceMemoryFraction { get; set; } = 0.5;

    /// <summary>
    /// How many more running jobs a device that has the job's model open may have than the least busy device and still
    /// be preferred. 2 by default: on a GPU jobs of one model share UNet calls (ADR-010), so a third job on a busy
    /// device costs less than opening the model elsewhere (seconds, and memory); beyond that spreading wins. The
    /// cross-over is still to be measured on a multi-GPU host.
    /// </summary>
    [Range(0, 1000, ErrorMessage = "Inference:Residency:AffinitySlackJobs must lie between 0 and 1000.")]
    public int AffinitySlackJobs { get; set; } = 2;

    /// <summary>
    /// Seconds without a job after which a model is closed (its sessions disposed: device memory back to the driver,
    /// host memory to the allocator), never while a job runs on it; 0 never closes a model for idleness (only the budget
    /// does). 900 (15 minutes) by default, the autoscaler's cool-down: a host that stays up serving other models gives
    /// back the memory of one nobody asked for in that time, at the cost of the next job opening it again (seconds for
    /// SD 1.5 on a GPU, measured in docs/benchmarks.md).
    /// </summary>
    [Range(0, 7 * 86_400, ErrorMessage = "Inference:Residency:IdleCloseSeconds must lie between 0 (never) and 604800 (a week).")]
    public int IdleCloseSeconds { get; set; } = 900;

    /// <summary>
    /// Host memory for patched LoRA weights kept between jobs, per open model (ADR-021); 0 (the default) opens models
    /// as stored, without adapter support. A model opened with adapters rounds within one level of 255 of the stored
    /// one, and its batched images within one level of the same job alone (exact without adapters, ADR-010); the portal's
    /// appsettings turn adapters on.
    /// </summary>
    [Range(0, long.MaxValue, ErrorMessage = "Inference:Residency:AdapterBudgetBytes must be 0 (no adapters) or a positive number of bytes.")]
    public long AdapterBudgetBytes { get; set; }

    /// <summary>
    /// The budget of <paramref name="device"/> in bytes (0: none): <see cref="BudgetBytes"/> when set; otherwise, for a
    /// GPU whose memory is known (<paramref name="deviceMemoryBytes"/>), that times <see cref="DeviceMemoryFraction"/>.
    /// </summary>
    public long BudgetFor(string device, long? deviceMemoryBytes) =>
        BudgetBytes ?? (device != "cpu" && deviceMemoryBytes is > 0 ? (long)(deviceMemoryBytes.Value * DeviceMemoryFraction) : 0);
}
