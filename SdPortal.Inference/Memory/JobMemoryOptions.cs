using System.ComponentModel.DataAnnotations;

namespace SdPortal.Inference.Memory;

/// <summary>
/// How much memory one generation job may take at its peak (section <c>Inference:Memory</c>). This is not the
/// residency budget (<c>Inference:Residency</c>), which counts only the weights of the models kept open and has none on
/// the CPU: a job's peak is its model's weights plus activations that grow with the fourth power of the image side,
/// and it is what the operating system kills a process for (ADR-016).
/// </summary>
public sealed class JobMemoryOptions
{
    public const string SectionName = "Inference:Memory";

    /// <summary>
    /// The peak bytes a job may need. Unset by default: <see cref="MachineMemoryFraction"/> of the device's memory (the
    /// GPU's as NVML reports it; on the CPU the memory .NET sees, which honours a container's limit). Web nodes of a
    /// distributed deployment should set it to the inference hosts' value, since their own machine is not the one
    /// that runs the job.
    /// </summary>
    [Range(64L << 20, long.MaxValue, ErrorMessage = "Inference:Memory:JobBudgetBytes must be at least 64 MiB (67108864 bytes), or unset.")]
    public long? JobBudgetBytes { get; set; }

    /// <summary>
    /// The share of the device's memory one job may take when <see cref="JobBudgetBytes"/> is unset. 0.4 by default:
    /// the embedded default runs two jobs at once (<c>Jobs:WorkerCount</c>), which then still leave a fifth of the
    /// machine to the rest of the process and the operating system.
    /// </summary>
    [Range(0.05, 1.0, ErrorMessage = "Inference:Memory:MachineMemoryFraction must lie between 0.05 and 1.")]
    public double MachineMemoryFraction { get; set; } = 0.4;

    /// <summary>The budget of a device with <paramref name="deviceMemoryBytes"/> of memory.</summary>
    public long BudgetFor(long deviceMemoryBytes) => JobBudgetBytes ?? (long)(deviceMemoryBytes * MachineMemoryFraction);
}
