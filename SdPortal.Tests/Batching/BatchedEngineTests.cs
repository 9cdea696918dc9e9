using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using SdPortal.Inference.Batching;
using SdPortal.Inference.Engine;
using SdPortal.Inference.Hosting;
using SdPortal.Inference.Models;
using SdPortal.Tests.Pipeline.Support;

namespace SdPortal.Tests.Batching;

/// <summary>The engine behind IGenerationEngine, batching on and off: same images, and the device's activity is counted.</summary>
public sealed class BatchedEngineTests : IDisposable
{
    private readonly string _models = Path.Combine(Path.GetTempPath(), "sdportal-tests", $"engine-{Guid.NewGuid():N}");

    [Fact]
    public async Task GenerateAsync_WithBatching_GivesTheUnbatchedImagesAndCountsStepsJobsAndModels()
    {
        var activity = new DeviceActivity(TimeProvider.System);
        using var batched = Engine(new BatchingOptions { Enabled = true, OnCpu = true }, activity);
        using var unbatched = Engine(new BatchingOptions { Enabled = false }, new DeviceActivity(TimeProvider.System));
        var requests = new[] { TestRequests.Small(71) with { Steps = 5 }, TestRequests.Small(72) with { Steps = 3, Scheduler = "Euler a" } };
        var sawRunning = 0;
        var progress = new SynchronousProgress(_ => sawRunning = Math.Max(sawRunning, activity.Describe("cpu").JobsRunning));

        var results = await Task.WhenAll(requests.Select(r => batched.GenerateAsync(ModelCatalogOptions.TinySyntheticKey, r, progress, CancellationToken.None)));

        for (var i = 0; i < requests.Length; i++)
        {
            var (reference, _) = await unbatched.GenerateAsync(ModelCatalogOptions.TinySyntheticKey, requests[i], null, CancellationToken.None);
            Assert.Equal("cpu", results[i].Device);
            BatchedGenerationTests.AssertSameImages(reference, results[i].Result);
        }

        var status = activity.Describe("cpu");
        Assert.Equal(0, status.JobsRunning);
        Assert.InRange(sawRunning, 1, 2);
        Assert.Equal([ModelCatalogOptions.TinySyntheticKey], status.ModelsLoaded);
        Assert.Equal(8 / DeviceActivity.RateWindow.TotalSeconds, status.StepsPerSecond, 6); // 5 + 3 steps in the window
    }

    [Fact]
    public void Defaults_BatchGpusButNotTheCpu()
    {
        var defaults = new BatchingOptions();

        Assert.True(defaults.BatchesOn("cuda:0"));
        Assert.False(defaults.BatchesOn("cpu"));
        Assert.False(new BatchingOptions { Enabled = false, OnCpu = true }.BatchesOn("cpu"));
    }

    public void Dispose()
    {
        if (Directory.Exists(_models))
        {
            Directory.Delete(_models, recursive: true);
        }
    }

    private OnnxGenerationEngine Engine(BatchingOptions batching, DeviceActivity activity)
    {
        var catalog = new ModelCatalog(Options.Create(new ModelCatalogOptions { Directory = _models }), NullLogger<ModelCatalog>.Instance);
        return new OnnxGenerationEngine(
            catalog, Options.Create(new InferenceHostOptions { Devices = "cpu" }), Options.Create(batching), Options.Create(new CudaProviderSettings()), Options.Create(new ResidencyOptions()), NoDeviceTelemetry.Instance, activity, NullLoggerFactory.Instance);
    }
}
