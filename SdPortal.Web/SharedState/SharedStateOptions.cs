using System.ComponentModel.DataAnnotations;

namespace SdPortal.Web.SharedState;

/// <summary>The state web nodes share through Redis (section <c>SharedState</c>; used when <c>ConnectionStrings:Redis</c> is set).</summary>
public sealed class SharedStateOptions
{
    public const string SectionName = "SharedState";

    /// <summary>
    /// The prefix of every key and channel the portal uses in Redis (the SignalR backplane's channels included), so
    /// several deployments can share one Redis server.
    /// </summary>
    [Required(ErrorMessage = "SharedState:KeyPrefix is required.")]
    [RegularExpression("^[A-Za-z0-9_.-]{1,64}$", ErrorMessage = "SharedState:KeyPrefix must be 1…64 letters, digits, '_', '.' or '-'.")]
    public string KeyPrefix { get; set; } = "sdportal";

    /// <summary>
    /// How long a running job's latest step and preview outlive its last report: a job ends with its keys removed, so
    /// this only bounds what a lost web node leaves behind. Longer than a lease, so a live job never loses them.
    /// </summary>
    [Range(1, 86_400, ErrorMessage = "SharedState:LiveSeconds must be within 1…86400.")]
    public int LiveSeconds { get; set; } = 600;

    /// <summary>How long a cancel request is kept in Redis; the job row's flag stays the durable truth.</summary>
    [Range(1, 86_400, ErrorMessage = "SharedState:CancelSeconds must be within 1…86400.")]
    public int CancelSeconds { get; set; } = (int)Generation.JobCancellations.KeepFor.TotalSeconds;
}
