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

    /// <summary>How often each web node looks for lapsed leases and stranded dispatches (see <see cref="JobRecoverySweeper"/>).</summary>
    [Range(1, 3600, ErrorMessage = "Generation:RecoverySweepSeconds must be within 1…3600.")]
    public int RecoverySweepSeconds { get; set; } = 5;

    /// <summary>How long after its dispatch a job without a live Hangfire job counts as stranded.</summary>
    [Range(1, 86_400, ErrorMessage = "Generation:StrandedAfterSeconds must be within 1…86400.")]
    public int StrandedAfterSeconds { get; set; } = 120;

    /// <summary>
    /// A running job's lease: its worker renews it every third of this; a job whose lease lapsed (the worker died, hung
    /// or lost the portal) is recovered by any web node. About a minute: short enough that a crash costs a user little,
    /// long enough that a slow database or a garbage collection does not take a healthy job away.
    /// </summary>
    [Range(3, 3600, ErrorMessage = "Generation:LeaseSeconds must be within 3…3600.")]
    public int LeaseSeconds { get; set; } = 60;

    /// <summary>
    /// A worker whose run reports no step for this long is hung: it stops renewing, so the job is recovered. Well above
    /// the slowest step or VAE decode a served model can take.
    /// </summary>
    [Range(2, 86_400, ErrorMessage = "Generation:StallSeconds must be within 2…86400.")]
    public int StallSeconds { get; set; } = 600;

    /// <summary>Starts of one job (its first run, hand-backs after transient errors, lapsed leases) before it fails.</summary>
    [Range(1, 20, ErrorMessage = "Generation:MaxAttempts must be within 1…20.")]
    public int MaxAttempts { get; set; } = 3;

    /// <summary>
    /// How often each web node re-checks every hub connection it holds against the current users, memberships, roles
    /// and tenants (<see cref="HubReauthorizer"/>): the longest a change made on another node, or straight in the
    /// database, keeps feeding a connection events it may no longer see. Changes made through this node apply at once.
    /// Each pass costs about two indexed queries per connection.
    /// </summary>
    [Range(1, 3600, ErrorMessage = "Generation:HubReauthorizeSeconds must be within 1…3600.")]
    public int HubReauthorizeSeconds { get; set; } = 15;

    /// <summary>The lease terms a worker receives with its ticket.</summary>
    public TimeSpan Lease => TimeSpan.FromSeconds(LeaseSeconds);
}
