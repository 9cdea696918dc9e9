using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using SdPortal.Inference.Batching;
using SdPortal.Inference.Engine;
using SdPortal.Inference.Hosting;
using SdPortal.Inference.Memory;
using SdPortal.Inference.Models;
using SdPortal.Inference.Pipeline;

namespace SdPortal.Inference.Benchmarks;

/// <summary>
/// What the idle close (<see cref="ResidencyOptions.IdleCloseSeconds"/>) gives back, on the CPU: the engine runs one
/// job, the model stays open and idle, the engine's own sweep closes it after one second, and the resident set (VmRSS)
/// is read at each point; then the next job's time (it opens the model again) beside a warm one's. A benchmark program,
/// never a timed test.
/// </summary>
public static class IdleCloseBenchmark
{
    /// <summary>The figures of one run; bytes of the resident set, null off Linux.</summary>
    public sealed record Report(
        string Model, long ModelFileBytes, long? ResidentBeforeJobBytes, long? ResidentModelOpenBytes, long? ResidentAfterCloseBytes,
        double CloseSeconds, double ColdJobMs, double ReopenJobMs, double WarmJobMs);

    /// <summary>Runs the sequence on <paramref name="modelDirectory"/> at <paramref name="size"/>² for <paramref name="steps"/> steps.</summary>
    public static async Task<Report> MeasureAsync(string modelDirectory, int size, int steps, CancellationToken cancellationToken)
    {
        var catalogue = new ModelCatalogOptions { Directory = Path.GetDirectoryName(Path.GetFullPath(modelDirectory))! };
        var key = Path.GetFileName(Path.GetFullPath(modelDirectory));
        catalogue.Catalogue[key] = key;
        var activity = new DeviceActivity(TimeProvider.System);
        using var engine = new OnnxGenerationEngine(
            new ModelCatalog(Options.Create(catalogue), NullLogger<ModelCatalog>.Instance),
            Options.Create(new InferenceHostOptions { Devices = "cpu" }),
            Options.Create(new BatchingOptions { Enabled = false }),
            Options.Create(new CudaProviderSettings()),
            Options.Create(new ResidencyOptions { IdleCloseSeconds = 1 }),
            NoDeviceTelemetry.Instance,
            activity,
            NullLoggerFactory.Instance);
        var request = new GenerationSpec { Prompt = "a photo of a cat", Steps = steps, Width = size, Height = size, Scheduler = "Euler", Seed = 42 };

        var before = SettledResident();
        var cold = await TimeJobAsync(engine, key, request, cancellationToken);
        var open = SettledResident();
        var waited = Stopwatch.StartNew();
        while (activity.Describe("cpu").ModelsLoaded.Count > 0)
        {
            await Task.Delay(50, cancellationToken);
        }

        var closeSeconds = waited.Elapsed.TotalSeconds;
        var closed = SettledResident();
        var reopen = await TimeJobAsync(engine, key, request, cancellationToken);
        var warm = await TimeJobAsync(engine, key, request, cancellationToken);
        return new Report(
            key, ModelFootprint.EstimateBytes(new ModelFolderLayout(modelDirectory)), before, open, closed, closeSeconds, cold, reopen, warm);
    }

    private static async Task<double> TimeJobAsync(OnnxGenerationEngine engine, string key, GenerationSpec request, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        await engine.GenerateAsync(key, request, null, cancellationToken);
        return clock.Elapsed.TotalMilliseconds;
    }

    /// <summary>VmRSS after a full collection, so managed garbage does not blur what the sessions held.</summary>
    private static long? SettledResident()
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        return ProcessMemory.ResidentBytes();
    }
}
