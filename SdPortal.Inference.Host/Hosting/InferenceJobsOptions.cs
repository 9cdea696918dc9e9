using System.ComponentModel.DataAnnotations;

namespace SdPortal.Inference.Hosting;

/// <summary>
/// How an inference host reaches the portal and its job queue (section <c>Jobs</c>, plus
/// <c>ConnectionStrings:PostgreSql</c>). The keys match the web node's, so one environment block configures both.
/// </summary>
public sealed class InferenceJobsOptions
{
    public const string SectionName = "Jobs";

    /// <summary>The web node the gateway calls (its internal API), e.g. <c>http://web:8080/</c>.</summary>
    [Required(ErrorMessage = "Jobs:PortalUrl must name the web node, e.g. http://web:8080/.")]
    [Url(ErrorMessage = "Jobs:PortalUrl must be an absolute http(s) URL.")]
    public string PortalUrl { get; set; } = string.Empty;

    /// <summary>The secret shared with the web node's <c>Jobs:HostToken</c>.</summary>
    [Required(ErrorMessage = "Jobs:HostToken must be set (the same value as on the web nodes).")]
    [MinLength(16, ErrorMessage = "Jobs:HostToken must be at least 16 characters.")]
    public string HostToken { get; set; } = string.Empty;

    /// <summary>The portal's PostgreSQL database, which holds Hangfire's storage (<c>ConnectionStrings:PostgreSql</c>).</summary>
    [Required(ErrorMessage = "ConnectionStrings:PostgreSql must be set: inference hosts take jobs from the portal's PostgreSQL Hangfire storage.")]
    public string PostgreSqlConnectionString { get; set; } = string.Empty;

    /// <summary>Hangfire workers per served device; each runs one job at a time.</summary>
    [Range(1, 64, ErrorMessage = "Jobs:WorkersPerDevice must be within 1…64.")]
    public int WorkersPerDevice { get; set; } = 1;

    /// <summary>How often idle workers look for a job (as on the web node).</summary>
    [Range(10, 60_000, ErrorMessage = "Jobs:QueuePollMilliseconds must be within 10…60000.")]
    public int QueuePollMilliseconds { get; set; } = 100;

    /// <summary>After this a job whose worker died is handed out again; must match the web node's (R11).</summary>
    [Range(5, 86_400, ErrorMessage = "Jobs:InvisibilityTimeoutSeconds must be within 5…86400.")]
    public int InvisibilityTimeoutSeconds { get; set; } = 1800;

    /// <summary>How long a stopping host waits for running jobs to hand themselves back (R13).</summary>
    [Range(1, 600, ErrorMessage = "Jobs:ShutdownSeconds must be within 1…600.")]
    public int ShutdownSeconds { get; set; } = 30;
}
