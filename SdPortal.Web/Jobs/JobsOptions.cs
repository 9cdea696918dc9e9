using System.ComponentModel.DataAnnotations;

namespace SdPortal.Web.Jobs;

/// <summary>How this node takes part in job execution (section <c>Jobs</c>).</summary>
public sealed class JobsOptions
{
    public const string SectionName = "Jobs";

    /// <summary>Hangfire workers in this process; each runs one job at a time.</summary>
    [Range(1, 64)]
    public int WorkerCount { get; set; } = 2;

    /// <summary>
    /// Runs the inference worker inside the web process (the embedded default). Set false on web nodes of a
    /// distributed deployment, where SdPortal.Inference hosts serve the queue.
    /// </summary>
    public bool RunInferenceInProcess { get; set; } = true;
}
