using SdPortal.Data.Generation;
using SdPortal.Inference.Pipeline;

namespace SdPortal.Web.Generation;

/// <summary>An accepted job's place; with <paramref name="WaitingForGpu"/> no host is connected and the ETA 0 means "unknown".</summary>
public sealed record SubmitGenerationResponse(Guid Id, string Status, int QueuePosition, double EstimatedStartSeconds, bool WaitingForGpu = false);

public sealed record CostResponse(long Credits, string Formula);

public sealed record GenerationImageResponse(Guid Id, string Url, long Seed, int Width, int Height);

public sealed record GenerationTimingsResponse(double? QueuedSeconds, double? RunSeconds, double? TextEncodingMs, double? DenoisingMs, double? DecodingMs);

/// <summary>
/// A job: its state, images and timings, and the spec it runs (every parameter, as accepted). A queued job with
/// <see cref="WaitingForGpu"/> waits for the first inference host to start (none is connected): it has no ETA.
/// </summary>
public sealed record GenerationResponse(
    Guid Id,
    string Status,
    string Prompt,
    string Model,
    bool ModelIsSynthetic,
    int Step,
    int TotalSteps,
    int? QueuePosition,
    double? EstimatedStartSeconds,
    IReadOnlyList<GenerationImageResponse> Images,
    string? Error,
    long Credits,
    DateTime CreatedAtUtc,
    GenerationTimingsResponse Timings,
    GenerationSpec Spec,
    IReadOnlyList<string> Warnings,
    string? WaitReason = null,
    bool CancelRequested = false,
    bool WaitingForGpu = false);

public sealed record GenerationPage(IReadOnlyList<GenerationResponse> Items, string? NextCursor);

/// <summary>The API's names for job states.</summary>
public static class GenerationStatusNames
{
    public static string Of(GenerationJobStatus status) => status switch
    {
        GenerationJobStatus.Queued or GenerationJobStatus.Dispatched => "queued",
        GenerationJobStatus.Running => "running",
        GenerationJobStatus.Succeeded => "succeeded",
        GenerationJobStatus.Failed => "failed",
        GenerationJobStatus.Cancelled => "canceled",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, null),
    };

    public static bool IsTerminal(GenerationJobStatus status) => JobStates.IsTerminal(status);

    /// <summary>Whether the API name <paramref name="name"/> is a final state (succeeded, failed, canceled).</summary>
    public static bool IsTerminal(string name) => name is "succeeded" or "failed" or "canceled";
}
