using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using SdPortal.Inference.Batching;
using SdPortal.Inference.Engine;
using SdPortal.Inference.Hosting;
using SdPortal.Inference.Models;
using SdPortal.Inference.Synthetic;
using SdPortal.Tests.Batching;
using SdPortal.Tests.Pipeline.Support;

namespace SdPortal.Tests.Engine;

/// <summary>
/// The engine's model budget on the CPU with the tiny model: two catalogue models of which only one fits, so opening
/// one closes the other while it is idle — and never while it has a job running.
/// </summary>
public sealed class ModelEvictionTests : IDisposable
{
    private readonly string _models = Path.Combine(Path.GetTempPath(), "sdportal-tests", $"eviction-{Guid.NewGuid():N}");
    private readonly long _modelBytes;

    public ModelEvictionTests()
    {
        SyntheticModelFolder.Write(SyntheticModelConfig.Tiny, Path.Combine(_models, "a"), TinyModelFixture.WriteOptions);
        SyntheticModelFolder.Write(SyntheticModelConfig.Tiny, Path.Combine(_models, "b"), TinyModelFixture.WriteOptions);
        _modelBytes = ModelFootprint.EstimateBytes(new ModelFolderLayout(Path.Combine(_models, "a")));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)] // the device's step batcher holds tensors bound to the evicted UNet: they must go first
    public async Task OpeningAModelThatDoesNotFit_ClosesTheIdleLeastRecentlyUsedOne_AndItReopensOnDemand(bool batching)
    {
        var activity = new DeviceActivity(TimeProvider.System);
        using var engine = Engine(activity, batching);
        var request = TestRequests.Small(5) with { Steps = 3 };

        var (first, _) = await engine.GenerateAsync("a", request, null, CancellationToken.None);
        var a = engine.OpenModel("a", "cpu")!;
        await engine.GenerateAsync("b", request, null, CancellationToken.None);

        Assert.True(a.IsDisposed);
        Assert.Null(engine.OpenModel("a", "cpu"));
        Assert.Equal(["b"], activity.Describe("cpu").ModelsLoaded);

        var (again, _) = await engine.GenerateAsync("a", request, null, CancellationToken.None);

        BatchedGenerationTests.AssertSameImages(first, again);
        Assert.NotSame(a, engine.OpenModel("a", "cpu"));
        Assert.Equal(["a"], activity.Describe("cpu").ModelsLoaded);
    }

    [Fact]
    public async Task AModelWithAJobRunning_IsNeverEvicted_TheNewModelIsAdmittedOverBudget()
    {
        var activity = new DeviceActivity(TimeProvider.System);
        using var engine = Engine(activity, batching: false);
        using var firstStep = new ManualResetEventSlim();
        using var resume = new ManualResetEventSlim();
        var held = new SynchronousProgress(_ =>
        {
            firstStep.Set();
            Assert.True(resume.Wait(TimeSpan.FromSeconds(60)), "the test never resumed job a");
        });
        var running = Task.Run(() => engine.GenerateAsync("a", TestRequests.Small(6) with { Steps = 4 }, held, CancellationToken.None));
        Assert.True(firstStep.Wait(TimeSpan.FromSeconds(60)), "job a never reported a step");
        var a = engine.OpenModel("a", "cpu")!;

        var (b, _) = await engine.GenerateAsync("b", TestRequests.Small(7) with { Steps = 2 }, null, CancellationToken.None);

        Assert.Single(b.Images);
        Assert.False(a.IsDisposed);
        Assert.Same(a, engine.OpenModel("a", "cpu"));
        Assert.Equal(["a", "b"], activity.Describe("cpu").ModelsLoaded);
        resume.Set();
        var (finished, _) = await running;
        Assert.Single(finished.Images);
        Assert.False(a.IsDisposed);
    }

    public void Dispose()
    {
        if (Directory.Exists(_models))
        {
            Directory.Delete(_models, recursive: true);
        }
    }

    private OnnxGenerationEngine Engine(DeviceActivity activity, bool batching)
    {
        var catalogue = new ModelCatalogOptions { Directory = _models };
        catalogue.Catalogue["a"] = "a";
        catalogue.Catalogue["b"] = "b";
        return new OnnxGenerationEngine(
            new ModelCatalog(Options.Create(catalogue), NullLogger<ModelCatalog>.Instance),
            Options.Create(new InferenceHostOptions { Devices = "cpu" }),
            Options.Create(new BatchingOptions { Enabled = batching, OnCpu = batching }),
            Options.Create(new CudaProviderSettings()),
            Options.Create(new ResidencyOptions { BudgetBytes = _modelBytes * 3 / 2 }), // room for one model, not two
            NoDeviceTelemetry.Instance,
            activity,
            NullLoggerFactory.Instance);
    }
}
