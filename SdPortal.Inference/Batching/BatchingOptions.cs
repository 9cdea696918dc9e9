using System.ComponentModel.DataAnnotations;
using SdPortal.Inference.Pipeline;

namespace SdPortal.Inference.Batching;

/// <summary>Step-level batching across requests (section <c>Inference:Batching</c>); see ADR-010.</summary>
public sealed class BatchingOptions : IValidatableObject
{
    public const string SectionName = "Inference:Batching";

    /// <summary>
    /// Whether jobs on one GPU share UNet calls. On by default: a job's images are identical either way and a lone job
    /// runs the same calls; a GPU's per-sample cost falls steeply with the batch (ADR-010).
    /// </summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// Whether the CPU batches too. Off by default: on the project's 2-core CPU a UNet call of n samples costs about n/2
    /// calls of 2, so shared calls gained only 6–13 % on a quiet machine and lost a third or more while other processes
    /// loaded it (docs/benchmarks.md); the CPU path also stays the one the other components' tests exercise unchanged.
    /// </summary>
    public bool OnCpu { get; set; }

    /// <summary>Whether jobs on <paramref name="device"/> go through a step batcher.</summary>
    internal bool BatchesOn(string device) => Enabled && (OnCpu || device != "cpu");

    /// <summary>
    /// UNet batch sizes in samples (a guided image is two), comma-separated. A GPU call is padded up to the smallest that
    /// holds it, bounding the shapes that need tuned kernels and captured CUDA graphs. The largest must hold the biggest
    /// request (a guided batch of <see cref="GenerationSpec.MaxBatchSize"/>) so no request needs a shape of its own.
    /// </summary>
    [Required(AllowEmptyStrings = false)]
    [RegularExpression(@"^\s*\d+\s*(,\s*\d+\s*)*$", ErrorMessage = "Inference:Batching:Buckets must be a list like '1,2,4,8,16,32'.")]
    public string Buckets { get; set; } = "1,2,4,8,16,32";

    /// <summary>
    /// Whether CPU calls are padded to the buckets too. Off: the CPU's kernels are not specialised per shape, so there a
    /// call runs at exactly its samples (up to the largest bucket) and padding would only waste work.
    /// </summary>
    public bool PadOnCpu { get; set; }

    /// <summary>
    /// How long the device loop waits, after a call, for that call's jobs to hand in their next step before it
    /// assembles the next call without the latecomers. A job's hand-back takes microseconds; this only bounds a stall.
    /// </summary>
    [Range(0, 100)]
    public double LingerMilliseconds { get; set; } = 2;

    /// <summary>The parsed buckets for <paramref name="device"/> ("cpu" or "cuda:N").</summary>
    internal BatchBuckets BucketsFor(string device)
    {
        var buckets = BatchBuckets.Parse(Buckets);
        return device == "cpu" && !PadOnCpu ? BatchBuckets.Exact(buckets.Largest) : buckets;
    }

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        BatchBuckets buckets;
        try
        {
            buckets = BatchBuckets.Parse(Buckets);
        }
        catch (FormatException ex)
        {
            return [new ValidationResult($"Inference:Batching:Buckets: {ex.Message}", [nameof(Buckets)])];
        }

        const int LargestRequest = 2 * GenerationSpec.MaxBatchSize;
        return buckets.Largest < LargestRequest
            ? [new ValidationResult($"Inference:Batching:Buckets must include a size of at least {LargestRequest} (a guided batch of {GenerationSpec.MaxBatchSize}); the largest is {buckets.Largest}.", [nameof(Buckets)])]
            : [];
    }
}
