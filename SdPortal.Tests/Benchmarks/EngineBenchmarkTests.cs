using SdPortal.Inference.Benchmarks;
using SdPortal.Inference.Models;

namespace SdPortal.Tests.Benchmarks;

/// <summary>Keeps the benchmark program working; it asserts what it reports, never how fast.</summary>
public sealed class EngineBenchmarkTests
{
    [Fact]
    public async Task Run_OnTheTinyModel_ReportsEveryFigure()
    {
        var report = await EngineBenchmark.RunAsync(
            new EngineBenchmarkSettings(Size: 64, Steps: 2, Repetitions: 1, Concurrent: 4), InferenceDevice.Cpu, CancellationToken.None);

        Assert.Equal("synthetic tiny fp32", report.Model);
        Assert.Equal("cpu", report.Device);
        Assert.All(
            new[] { report.GuidedUNetStepMs, report.VaeDecodeMs, report.ImageMs, report.StepsPerSecond, report.TokenizerPromptsPerSecond },
            figure => Assert.True(figure > 0 && double.IsFinite(figure)));
        Assert.True(report.ImageMs >= report.VaeDecodeMs, "the whole image includes its decode");
        Assert.Contains("\"guidedUNetStepMs\"", report.ToJson(), StringComparison.Ordinal);
        var batching = Assert.IsType<BatchingFigures>(report.Batching);
        Assert.Equal([2, 8, 16, 32], batching.UNetCallMs.Keys.Order());
        Assert.All(batching.UNetCallMs.Values, ms => Assert.True(ms > 0 && double.IsFinite(ms)));
        Assert.True(batching.BatchedImagesPerSecond > 0 && batching.UnbatchedImagesPerSecond > 0);
        Assert.InRange(batching.MeanSamplesPerCall, 2, 8); // 4 guided requests: 2…8 samples per call
        Assert.Equal(0, batching.PaddingShare); // the CPU runs exact sizes
    }
}
