using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using SdPortal.Inference.Batching;
using SdPortal.Inference.Engine;
using SdPortal.Inference.Hosting;
using SdPortal.Inference.Models;
using SdPortal.Inference.Synthetic;
using SdPortal.Tests.Batching;
using SdPortal.Tests.Pipeline.Support;
using SdPortal.Tests.Support;

namespace SdPortal.Tests.Engine;

/// <summary>
/// The engine closes a model nobody used for <c>Inference:Residency:IdleCloseSeconds</c> (its sessions disposed, one
/// log line), never while a job runs on it, and opens it again on the next job; the idle time passes on a fake clock.
/// </summary>
public sealed class IdleModelCloseTests : IDisposable
{
    private const int IdleSeconds = 60;
    private readonly string _models = Path.Combine(Path.GetTempPath(), "sdportal-tests", $"idle-{Guid.NewGuid():N}");
    private readonly FakeTimeProvider _clock = new();
    private readonly CapturedLogs _logs = new();

    public IdleModelCloseTests() =>
        SyntheticModelFolder.Write(SyntheticModelConfig.Tiny, Path.Combine(_models, "a"), TinyModelFixture.WriteOptions);

    [Fact]
    public async Task AModelWithoutAJobForTheIdleTime_IsClosed_AndReopensForTheNextJob()
    {
        var activity = new DeviceActivity(_clock);
        using var engine = Engine(activity);
        var request = TestRequests.Small(5) with { Steps = 2 };
        var (first, _) = await engine.GenerateAsync("a", request, null, CancellationToken.None);
        var open = engine.OpenModel("a", "cpu")!;

        _clock.Advance(TimeSpan.FromSeconds(IdleSeconds - 1));
        Assert.False(open.IsDisposed);
        Assert.Same(open, engine.OpenModel("a", "cpu"));

        _clock.Advance(OnnxGenerationEngine.IdleSweepPeriod(TimeSpan.FromSeconds(IdleSeconds)));
        Assert.True(open.IsDisposed);
        Assert.Null(engine.OpenModel("a", "cpu"));
        Assert.Empty(activity.Describe("cpu").ModelsLoaded);
        var line = Assert.Single(_logs.Lines, l => l.Message.StartsWith("Closed model a on cpu: no job for", StringComparison.Ordinal));
        Assert.Contains($"{IdleSeconds} s", line.Message, StringComparison.Ordinal);

        var (again, _) = await engine.GenerateAsync("a", request, null, CancellationToken.None);
        BatchedGenerationTests.AssertSameImages(first, again);
        Assert.NotSame(open, engine.OpenModel("a", "cpu"));
    }

    [Fact]
    public async Task AModelWithAJobRunning_IsNotClosedHoweverLongItRuns_ItsIdleTimeStartsWhenTheJobEnds()
    {
        using var engine = Engine(new DeviceActivity(_clock));
        using var firstStep = new ManualResetEventSlim();
        using var resume = new ManualResetEventSlim();
        var held = new SynchronousProgress(_ =>
        {
            firstStep.Set();
            Assert.True(resume.Wait(TimeSpan.FromSeconds(60)), "the test never resumed the job");
        });
        var running = Task.Run(() => engine.GenerateAsync("a", TestRequests.Small(6) with { Steps = 3 }, held, CancellationToken.None));
        Assert.True(firstStep.Wait(TimeSpan.FromSeconds(60)), "the job never reported a step");
        var open = engine.OpenModel("a", "cpu")!;

        _clock.Advance(TimeSpan.FromSeconds(IdleSeconds * 10));
        Assert.False(open.IsDisposed);

        resume.Set();
        var (result, _) = await running;
        Assert.Single(result.Images);
        Assert.False(open.IsDisposed);
        _clock.Advance(TimeSpan.FromSeconds(IdleSeconds) + OnnxGenerationEngine.IdleSweepPeriod(TimeSpan.FromSeconds(IdleSeconds)));
        Assert.True(open.IsDisposed);
    }

    [Theory]
    [InlineData(-1, false)]
    [InlineData(0, true)] // never
    [InlineData(900, true)]
    [InlineData(7 * 86_400 + 1, false)]
    public void IdleCloseSeconds_IsValidated(int seconds, bool valid)
    {
        var results = new List<System.ComponentModel.DataAnnotations.ValidationResult>();
        var options = new ResidencyOptions { IdleCloseSeconds = seconds };
        Assert.Equal(valid, System.ComponentModel.DataAnnotations.Validator.TryValidateObject(
            options, new System.ComponentModel.DataAnnotations.ValidationContext(options), results, validateAllProperties: true));
    }

    [Fact]
    public void TheSweepRunsAQuarterOfTheIdleTime_BetweenOneSecondAndAMinute() =>
        Assert.Equal(
            [TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(15), TimeSpan.FromMinutes(1)],
            [OnnxGenerationEngine.IdleSweepPeriod(TimeSpan.FromSeconds(2)), OnnxGenerationEngine.IdleSweepPeriod(TimeSpan.FromSeconds(60)),
                OnnxGenerationEngine.IdleSweepPeriod(TimeSpan.FromMinutes(15))]);

    public void Dispose()
    {
        _logs.Dispose();
        if (Directory.Exists(_models))
        {
            Directory.Delete(_models, recursive: true);
        }
    }

    private OnnxGenerationEngine Engine(DeviceActivity activity)
    {
        var catalogue = new ModelCatalogOptions { Directory = _models };
        catalogue.Catalogue["a"] = "a";
        var loggers = LoggerFactory.Create(b => b.AddProvider(_logs));
        return new OnnxGenerationEngine(
            new ModelCatalog(Options.Create(catalogue), NullLogger<ModelCatalog>.Instance),
            Options.Create(new InferenceHostOptions { Devices = "cpu" }),
            Options.Create(new BatchingOptions { Enabled = false }),
            Options.Create(new CudaProviderSettings()),
            Options.Create(new ResidencyOptions { IdleCloseSeconds = IdleSeconds }),
            NoDeviceTelemetry.Instance,
            activity,
            loggers,
            time: _clock);
    }
}
