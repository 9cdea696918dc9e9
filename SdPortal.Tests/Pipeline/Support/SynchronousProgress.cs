using SdPortal.Inference.Pipeline;

namespace SdPortal.Tests.Pipeline.Support;

/// <summary>
/// Records progress on the reporting thread, in order (<see cref="Progress{T}"/> would post to the thread pool and may
/// reorder), and optionally runs a callback on each report.
/// </summary>
public sealed class SynchronousProgress(Action<GenerationProgress>? onReport = null) : IProgress<GenerationProgress>
{
    private readonly List<GenerationProgress> _reports = [];

    public IReadOnlyList<GenerationProgress> Reports => _reports;

    public void Report(GenerationProgress value)
    {
        _reports.Add(value);
        onReport?.Invoke(value);
    }
}
