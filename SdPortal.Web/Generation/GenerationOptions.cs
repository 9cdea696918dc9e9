using System.ComponentModel.DataAnnotations;

namespace SdPortal.Web.Generation;

/// <summary>Generation pricing, admission and dispatch (section <c>Generation</c>).</summary>
public sealed class GenerationOptions
{
    public const string SectionName = "Generation";

    /// <summary>
    /// Pixel-steps one credit buys per image: the default, 5,242,880 = 512 × 512 × 20, makes a 512² image of 20 steps
    /// cost one credit. See <see cref="GenerationCost"/>.
    /// </summary>
    [Range(1, long.MaxValue, ErrorMessage = "Generation:PixelStepsPerCredit must be positive.")]
    public long PixelStepsPerCredit { get; set; } = 512L * 512 * 20;

    /// <summary>Submissions a tenant may make per minute (accepted or not); more answer 429 with Retry-After.</summary>
    [Range(1, 100_000, ErrorMessage = "Generation:SubmitsPerMinute must be within 1…100000.")]
    public int SubmitsPerMinute { get; set; } = 60;

    /// <summary>Queued plus running jobs a tenant may have; a submission beyond it is a validation error.</summary>
    [Range(1, 10_000, ErrorMessage = "Generation:MaxOutstandingJobsPerTenant must be within 1…10000.")]
    public int MaxOutstandingJobsPerTenant { get; set; } = 50;

    /// <summary>How often the dispatcher looks at the queue when nothing wakes it (submissions and completions do).</summary>
    [Range(50, 60_000, ErrorMessage = "Generation:DispatchIntervalMilliseconds must be within 50…60000.")]
    public int DispatchIntervalMilliseconds { get; set; } = 1000;

    /// <summary>The run time assumed for ETAs before any job has finished.</summary>
    [Range(0.1, 3600, ErrorMessage = "Generation:DefaultRunSeconds must be within 0.1…3600.")]
    public double DefaultRunSeconds { get; set; } = 10;

    /// <summary>How often each web node looks for jobs stranded in Dispatched (see <see cref="StrandedJobSweeper"/>).</summary>
    [Range(1, 3600, ErrorMessage = "Generation:StrandedSweepSeconds must be within 1…3600.")]
    public int StrandedSweepSeconds { get; set; } = 30;

    /// <summary>How long after its dispatch a job without a live Hangfire job counts as stranded.</summary>
    [Range(1, 86_400, ErrorMessage = "Generation:StrandedAfterSeconds must be within 1…86400.")]
    public int StrandedAfterSeconds { get; set; } = 120;
}
