using SdPortal.Web.Generation;

namespace SdPortal.Web.Ui;

/// <summary>
/// What the Create page shows of its job: state, step, queue place, ETA (or that it waits for a GPU to start), the
/// preview URL, results.
/// </summary>
public sealed record JobView(
    Guid Id,
    string Status,
    int Step,
    int TotalSteps,
    int? QueuePosition = null,
    double? EstimatedStartSeconds = null,
    double? RemainingSeconds = null,
    string? PreviewUrl = null,
    string? Error = null,
    bool ModelIsSynthetic = false,
    string? WaitReason = null,
    bool WaitingForGpu = false)
{
    public IReadOnlyList<GenerationImageResponse> Images { get; init; } = [];

    public bool IsQueued => Status == "queued";

    public bool IsRunning => Status == "running";

    /// <summary>Queued or running: the owner may still cancel it.</summary>
    public bool IsActive => IsQueued || IsRunning;

    public double Percent => TotalSteps <= 0 ? 0 : Math.Clamp(100.0 * Step / TotalSteps, 0, 100);

    /// <summary>The preview URL of <paramref name="jobId"/>'s latest preview; the step makes each one a new URL.</summary>
    public static string PreviewUrlOf(Guid jobId, int step) => $"/api/v1/generations/{jobId}/preview?step={step}";
}
