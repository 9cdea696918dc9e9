using System.ComponentModel.DataAnnotations;
using Microsoft.ML.OnnxRuntime;

namespace SdPortal.Inference.Models;

/// <summary>
/// How every ONNX Runtime session of a model uses the CPU and memory (section <c>Inference:Sessions</c>), on the CPU as
/// on GPUs (whose sessions still run some nodes and all their thread pools on the CPU). Each default was chosen by
/// `SdPortal.Inference.Host threads-bench` (docs/benchmarks.md, "Session threads and memory pattern"), which a
/// deployment can run on its own machines.
/// </summary>
public sealed class SessionSettings
{
    public const string SectionName = "Inference:Sessions";

    /// <summary>ORT's own session config key for spinning intra-op threads.</summary>
    private const string AllowSpinningEntry = "session.intra_op.allow_spinning";

    /// <summary>
    /// Threads of each session's intra-op pool; 0 (the default) lets ORT choose (one per physical core), which is fastest
    /// for one job alone. Concurrent jobs each run their own session calls, so a CPU host that runs N jobs at once does
    /// best with cores ÷ N: one thread per job gave 1.33× the images/s of ORT's choice with two SD 1.5-size jobs on two
    /// cores, but 0.59× with one job.
    /// </summary>
    [Range(0, 256, ErrorMessage = "Inference:Sessions:IntraOpThreads must lie between 0 (ORT's choice) and 256.")]
    public int IntraOpThreads { get; set; }

    /// <summary>
    /// Whether idle intra-op threads spin waiting for work. False by default, unlike ORT: spinning threads burn cores
    /// that other jobs and the web server in the same process need, and off was faster in every measured case — 1.09×
    /// the images/s for one and for two SD 1.5-size jobs, 1.3–1.5× on the tiny model — for 10–30 % less CPU per image.
    /// </summary>
    public bool AllowSpinning { get; set; }

    /// <summary>
    /// ORT's memory pattern, which plans one activation block per input shape from the first run and keeps it. False by
    /// default, unlike ORT: it saved no time (images/s within 1 % either way on the SD 1.5-size model) and issue 18
    /// measured 2.3 GB more peak memory with it at SD 1.5 512² (10.1 GB against 7.6 GB), plus another block for each
    /// new shape. Off, each run takes its activations from the arena as it goes.
    /// </summary>
    public bool MemoryPattern { get; set; }

    /// <summary>Writes these settings into <paramref name="options"/>.</summary>
    internal void ApplyTo(SessionOptions options)
    {
        if (IntraOpThreads > 0)
        {
            options.IntraOpNumThreads = IntraOpThreads;
        }

        options.AddSessionConfigEntry(AllowSpinningEntry, AllowSpinning ? "1" : "0");
        options.EnableMemoryPattern = MemoryPattern;
    }

    /// <summary>A short label for benchmark output, e.g. "threads=1 spin=off pattern=on".</summary>
    public string Describe() =>
        $"threads={(IntraOpThreads == 0 ? "ort" : IntraOpThreads.ToString(System.Globalization.CultureInfo.InvariantCulture))} " +
        $"spin={(AllowSpinning ? "on" : "off")} pattern={(MemoryPattern ? "on" : "off")}";
}
