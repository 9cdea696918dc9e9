using Microsoft.Extensions.DependencyInjection;
using SdPortal.Inference.Engine;
using SdPortal.Inference.Pipeline;

namespace SdPortal.Tests.Generation;

/// <summary>Engines for tests: the real one slowed per step (so a job is observably running), or one that always fails.</summary>
internal static class TestEngines
{
    /// <summary>The real engine, each step held for <paramref name="perStep"/> on the denoising thread.</summary>
    public static Action<IServiceCollection> Slow(TimeSpan perStep) => services =>
    {
        services.AddSingleton<OnnxGenerationEngine>();
        services.AddSingleton<IGenerationEngine>(sp => new SlowEngine(sp.GetRequiredService<OnnxGenerationEngine>(), perStep));
    };

    /// <summary>Serves <paramref name="engine"/>, which fails every run.</summary>
    public static Action<IServiceCollection> Failing(FailingEngine engine) => services => services.AddSingleton<IGenerationEngine>(engine);

    private sealed class SlowEngine(IGenerationEngine inner, TimeSpan perStep) : IGenerationEngine
    {
        public IReadOnlyList<string> Devices => inner.Devices;

        public IReadOnlyList<DeviceStatus> DescribeDevices() => inner.DescribeDevices();

        public Task<(GenerationResult Result, string Device)> GenerateAsync(
            string modelKey, GenerationSpec request, IProgress<GenerationProgress>? progress, CancellationToken cancellationToken) =>
            inner.GenerateAsync(modelKey, request, new Progress(progress, perStep), cancellationToken);

        private sealed class Progress(IProgress<GenerationProgress>? inner, TimeSpan perStep) : IProgress<GenerationProgress>
        {
            public void Report(GenerationProgress value)
            {
                inner?.Report(value);
                Thread.Sleep(perStep);
            }
        }
    }
}

internal sealed class FailingEngine(Func<Exception> error) : IGenerationEngine
{
    private int _runs;

    public int Runs => Volatile.Read(ref _runs);

    public IReadOnlyList<string> Devices => ["cpu"];

    public IReadOnlyList<DeviceStatus> DescribeDevices() => [new DeviceStatus("cpu", [], 0, 0)];

    public Task<(GenerationResult Result, string Device)> GenerateAsync(
        string modelKey, GenerationSpec request, IProgress<GenerationProgress>? progress, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _runs);
        throw error();
    }
}
