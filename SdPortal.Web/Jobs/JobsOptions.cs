using System.ComponentModel.DataAnnotations;

namespace SdPortal.Web.Jobs;

/// <summary>How this node takes part in job execution (section <c>Jobs</c>).</summary>
public sealed class JobsOptions
{
    public const string SectionName = "Jobs";

    /// <summary>The section as configured, for registrations that depend on it before the container exists.</summary>
    public static JobsOptions From(IConfiguration configuration) =>
        configuration.GetSection(SectionName).Get<JobsOptions>() ?? new JobsOptions();

    /// <summary>Hangfire workers in this process; each runs one job at a time.</summary>
    [Range(1, 64)]
    public int WorkerCount { get; set; } = 2;

    /// <summary>
    /// Runs the inference worker inside the web process (the embedded default). Set false on web nodes of a
    /// distributed deployment, where SdPortal.Inference hosts serve the queue.
    /// </summary>
    public bool RunInferenceInProcess { get; set; } = true;

    /// <summary>
    /// How often idle workers look for a new job. Hangfire's SQLite storage polls every 15 s by default, which would
    /// be the submit-to-start latency of an idle portal; a short poll costs one indexed query per worker.
    /// </summary>
    [Range(10, 60_000)]
    public int QueuePollMilliseconds { get; set; } = 100;

    /// <summary>
    /// How long a fetched job stays invisible to other workers before Hangfire assumes its worker died and hands it out
    /// again (crash recovery, R11). PostgreSQL slides it while the job runs; SQLite cannot, so a job longer than this
    /// may run twice there (settling stays exactly-once, R12).
    /// </summary>
    [Range(5, 86_400)]
    public int InvisibilityTimeoutSeconds { get; set; } = 1800;

    /// <summary>
    /// The secret inference hosts send to <c>/internal/jobs/…</c> (the same value as their <c>Jobs:HostToken</c>).
    /// Empty (the embedded default): the internal routes answer 404, as if absent.
    /// </summary>
    [RegularExpression("^.{16,}$", ErrorMessage = "Jobs:HostToken must be at least 16 characters (or empty to turn the internal API off).")]
    public string? HostToken { get; set; }
}
