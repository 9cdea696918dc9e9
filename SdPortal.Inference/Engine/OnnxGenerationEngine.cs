using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SdPortal.Inference.Batching;
using SdPortal.Inference.Hosting;
using SdPortal.Inference.Models;
using SdPortal.Inference.Pipeline;

namespace SdPortal.Inference.Engine;

/// <summary>
/// ONNX Runtime sessions opened once per model per device and kept for the life of the process (sessions are
/// expensive; runs are cheap). Each job goes to the device running the fewest jobs; pipelines are per job. Where
/// <see cref="BatchingOptions"/> turns batching on (GPUs by default) each device has one <see cref="StepBatcher"/> through which its jobs' UNet
/// steps share calls (ADR-010); otherwise every job runs its own calls.
/// <see cref="DeviceActivity"/> counts jobs, steps and open models for the operators' pool page.
/// </summary>
public sealed class OnnxGenerationEngine : IGenerationEngine, IDisposable
{
    private readonly ModelCatalog _catalog;
    private readonly ILoggerFactory _loggers;
    private readonly DeviceActivity _activity;
    private readonly ConcurrentDictionary<(string Model, string Device), Lazy<StableDiffusionModelFolder>> _models = new();
    private readonly ConcurrentDictionary<string, int> _active = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Lazy<StepBatcher>> _batchers = new(StringComparer.Ordinal);
    private readonly BatchingOptions _batching;
    private readonly CudaProviderSettings _cuda;

    public OnnxGenerationEngine(
        ModelCatalog catalog,
        IOptions<InferenceHostOptions> host,
        IOptions<BatchingOptions> batching,
        IOptions<CudaProviderSettings> cuda,
        DeviceActivity activity,
        ILoggerFactory loggers)
    {
        _catalog = catalog;
        _batching = batching.Value;
        _cuda = cuda.Value;
        _loggers = loggers;
        _activity = activity;
        Devices = DeviceInventory.Resolve(host.Value.Devices, DeviceInventory.AvailableProviders());
        foreach (var device in Devices)
        {
            _active[device] = 0;
        }
    }

    public IReadOnlyList<string> Devices { get; }

    public async Task<(GenerationResult Result, string Device)> GenerateAsync(
        string modelKey, GenerationRequest request, IProgress<GenerationProgress>? progress, CancellationToken cancellationToken)
    {
        var device = LeaseDevice();
        try
        {
            using var running = _activity.BeginJob(device);
            var model = Open(modelKey, device);
            var logger = _loggers.CreateLogger<StableDiffusionPipeline>();
            var pipeline = _batching.BatchesOn(device)
                ? new StableDiffusionPipeline(model, BatcherFor(device), logger: logger)
                : new StableDiffusionPipeline(model, logger: logger);
            return (await pipeline.GenerateAsync(request, new StepCounter(_activity, device, progress), cancellationToken), device);
        }
        finally
        {
            _active.AddOrUpdate(device, 0, (_, n) => n - 1);
        }
    }

    public IReadOnlyList<DeviceStatus> DescribeDevices() => [.. Devices.Select(_activity.Describe)];

    public void Dispose()
    {
        // The loops first: they hold tensors bound to the sessions.
        foreach (var batcher in _batchers.Values.Where(b => b.IsValueCreated))
        {
            batcher.Value.Dispose();
        }

        foreach (var model in _models.Values.Where(m => m.IsValueCreated))
        {
            model.Value.Dispose();
        }
    }

    private StableDiffusionModelFolder Open(string modelKey, string device)
    {
        var model = _models.GetOrAdd((modelKey, device), key => new Lazy<StableDiffusionModelFolder>(
            () => StableDiffusionModelFolder.Open(
                _catalog.Prepare(key.Model).Directory, InferenceDevice.Parse(key.Device), _loggers.CreateLogger<StableDiffusionModelFolder>(), _cuda),
            LazyThreadSafetyMode.ExecutionAndPublication));
        try
        {
            var folder = model.Value;
            _activity.ModelLoaded(device, modelKey);
            return folder;
        }
        catch (Exception ex) when (ex is ModelLoadException or KeyNotFoundException or IOException)
        {
            // A Lazy keeps its exception; forget it so a fixed folder opens on the next job.
            _models.TryRemove(new KeyValuePair<(string, string), Lazy<StableDiffusionModelFolder>>((modelKey, device), model));
            throw;
        }
    }

    private StepBatcher BatcherFor(string device) =>
        _batchers.GetOrAdd(device, d => new Lazy<StepBatcher>(
            () => new StepBatcher(
                new OnnxBatchRunner(),
                _batching.BucketsFor(d),
                TimeSpan.FromMilliseconds(_batching.LingerMilliseconds),
                d,
                _loggers.CreateLogger<StepBatcher>()),
            LazyThreadSafetyMode.ExecutionAndPublication)).Value;

    private string LeaseDevice()
    {
        lock (_active)
        {
            var device = Devices.MinBy(d => _active[d])!;
            _active[device]++;
            return device;
        }
    }

    /// <summary>Counts each step for the device's rate, then passes the report on.</summary>
    private sealed class StepCounter(DeviceActivity activity, string device, IProgress<GenerationProgress>? inner) : IProgress<GenerationProgress>
    {
        public void Report(GenerationProgress value)
        {
            activity.StepDone(device);
            inner?.Report(value);
        }
    }
}
