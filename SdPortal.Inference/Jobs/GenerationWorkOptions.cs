using System.ComponentModel.DataAnnotations;

namespace SdPortal.Inference.Jobs;

/// <summary>
/// How a worker talks to the portal while it runs a job (section <c>Jobs</c>, on web nodes and inference hosts alike).
/// The lease itself is the portal's (<c>Generation:LeaseSeconds</c>); each ticket carries its terms.
/// </summary>
public sealed class GenerationWorkOptions
{
    public const string SectionName = "Jobs";

    /// <summary>
    /// The timeout of each single gateway call (start, renew, progress, settle). Never one timer across a job: a
    /// settlement that times out is tried again, and a slow call never turns into a generation error.
    /// </summary>
    [Range(1, 600, ErrorMessage = "Jobs:GatewayCallSeconds must be within 1…600.")]
    public int GatewayCallSeconds { get; set; } = 30;

    /// <summary>How long a worker keeps trying to settle a finished job (while it holds the lease) before giving it up.</summary>
    [Range(1, 86_400, ErrorMessage = "Jobs:SettleForSeconds must be within 1…86400.")]
    public int SettleForSeconds { get; set; } = 600;

    public TimeSpan GatewayCall => TimeSpan.FromSeconds(GatewayCallSeconds);

    public TimeSpan SettleFor => TimeSpan.FromSeconds(SettleForSeconds);
}
