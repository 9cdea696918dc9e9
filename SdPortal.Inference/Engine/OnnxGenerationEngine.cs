using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SdPortal.Inference.Batching;
using SdPortal.Inference.Hosting;
using SdPortal.Inference.Memory;
using SdPortal.Inference.Models;
using SdPortal.Inference.Pipeline;

namespace SdPortal.Inference.Engine;

/// <summary>
/// ONNX Runtime sessions opened once per model per device and kept while they fit (sessions are expensive; runs are
/// cheap). Each job goes to a device that has its model open unless that device is much busier than the least busy one
/// (<see cref="ModelAffinity"/>); pipelines are per job. Each device has a memory budget (<see cref="ResidencyOptions"/>):
/// opening a model that does not fit first closes idle models, least recently used first; a model with jobs running is
/// never closed (<see cref="ModelResidency"/>). A model without a job for <see cref="ResidencyOptions.IdleCloseSeconds"/>
/// is closed too, checked on a timer of <see cref="IdleSweepPeriod"/>. Where <see cref="BatchingOptions"/> turns batching on (GPUs by default)
/// each device has one <see cref="StepBatcher"/> through which its jobs' UNet steps share calls (ADR-010); otherwise
/// every job runs its own calls. <see cref="DeviceActivity"/> counts jobs, steps and open models for the operators'
/// pool page.
/// </summary>
public sealed partial class OnnxGenerationEngine : IGenerationEngine, IDisposable
{
    private readonly ModelCatalog _catalog;
    private readonly ILoggerFactory _loggers;
    private readonly ILogger _logger;
    private readonly DeviceActivity _activity;
    private readonly ConcurrentDictionary<(string Model, string Device), Lazy<StableDiffusionModelFolder>> _models = new();
    private readonly ConcurrentDictionary<string, int> _active = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Lazy<StepBatcher>> _batchers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ModelResidency> _residency = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> _footprints = new(StringComparer.Ordinal);
    private readonly BatchingOptions _batching;
    private readonly CudaProviderSettings _cuda;
    private readonly SessionSettings _sessions;
    private readonly ResidencyOptions _residencyOptions;
    private readonly IMemoryAdmission? _memory;
    private readonly ITimer? _idleSweep;
    private bool _disposed;

    public OnnxGenerationEngine(
        ModelCatalog catalog,
        IOptions<InferenceHostOptions> host,
        IOptions<BatchingOptions> batching,
        IOptions<CudaProviderSettings> cuda,
        IOptions<ResidencyOptions> residency,
        IDeviceTelemetry telemetry,
        DeviceActivity activity,
        ILoggerFactory loggers,
        IMemoryAdmission? admission = null,
        TimeProvider? time = null,
        IOptions<SessionSettings>? sessions = null)
    {
        time ??= TimeProvider.System;
        _memory = admission;
        _catalog = catalog;
        _batching = batching.Value;
        _cuda = cuda.Value;
        _sessions = sessions?.Value ?? new SessionSettings();
        _residencyOptions = residency.Value;
        _loggers = loggers;
        _logger = loggers.CreateLogger<OnnxGenerationEngine>();
        _activity = activity;
        var providers = DeviceInventory.AvailableProviders();
        Devices = DeviceInventory.Resolve(host.Value.Devices, providers);
        if (host.Value.Devices == "auto" && Devices is ["cpu"])
        {
            LogAutoOnCpu(_logger, providers.Contains(DeviceInventory.CudaProvider)
                ? "the CUDA provider or its CUDA libraries did not load"
                : "this ONNX Runtime build has no CUDA provider");
        }

        _activity.Serving(Devices);
        foreach (var device in Devices)
        {
            _active[device] = 0;
            var parsed = InferenceDevice.Parse(device);
            var memory = parsed.Kind == InferenceDeviceKind.Cuda ? telemetry.Read(parsed.DeviceId)?.MemoryTotalBytes : null;
            var budget = _residencyOptions.BudgetFor(device, memory);
            _residency[device] = new ModelResidency(budget, time);
            if (budget > 0)
            {
                LogBudget(_logger, device, budget);
            }
        }

        if (_residencyOptions.IdleCloseSeconds > 0)
        {
            var idle = TimeSpan.FromSeconds(_residencyOptions.IdleCloseSeconds);
            var period = IdleSweepPeriod(idle);
            _idleSweep = time.CreateTimer(_ => CloseIdle(idle), null, period, period);
        }
    }

    public IReadOnlyList<string> Devices { get; }

    /// <summary>
    /// How often idle models are looked for: a quarter of the idle time, between 1 s and 60 s, so a model closes at most
    /// a quarter (a minute) late.
    /// </summary>
    internal static TimeSpan IdleSweepPeriod(TimeSpan idle) =>
        TimeSpan.FromTicks(Math.Clamp(idle.Ticks / 4, TimeSpan.TicksPerSecond, TimeSpan.TicksPerMinute));

    public async Task<(GenerationResult Result, string Device)> GenerateAsync(
        string modelKey, GenerationSpec request, IProgress<GenerationProgress>? progress, CancellationToken cancellationToken)
    {
        var device = LeaseDevice(modelKey);
        try
        {
            using var running = _activity.BeginJob(device);
            var model = Acquire(modelKey, device);
            try
            {
                var logger = _loggers.CreateLogger<StableDiffusionPipeline>();
                var options = new StableDiffusionPipelineOptions { ImagesPerPass = ImagesPerPass(modelKey, request) };
                var pipeline = _batching.BatchesOn(device)
                    ? new StableDiffusionPipeline(model, BatcherFor(device), options, logger)
                    : new StableDiffusionPipeline(model, options, logger);
                return (await pipeline.GenerateAsync(request, new StepCounter(_activity, device, progress), cancellationToken), device);
            }
            finally
            {
                Release(modelKey, device);
            }
        }
        finally
        {
            _active.AddOrUpdate(device, 0, (_, n) => n - 1);
        }
    }

    /// <summary>
    /// How many images one UNet pass may take within the job memory budget (ADR-016). The web node refused what cannot
    /// fit at all; a job that still does not (this host's budget is smaller) runs one image at a time rather than fail.
    /// </summary>
    private int? ImagesPerPass(string modelKey, GenerationSpec request)
    {
        if (_memory?.Check(modelKey, request) is not { } verdict)
        {
            return null;
        }

        if (verdict.Refused)
        {
            LogOverMemoryBudget(_logger, request.Width, request.Height, verdict.Estimate?.PeakBytes ?? 0, verdict.BudgetBytes);
            return 1;
        }

        if (verdict.ImagesPerPass < request.BatchSize)
        {
            LogSplit(_logger, request.BatchSize, verdict.ImagesPerPass, verdict.RequestedPeakBytes, verdict.BudgetBytes);
        }

        return verdict.ImagesPerPass;
    }

    /// <summary>The open sessions of <paramref name="modelKey"/> on <paramref name="device"/>, or null when it is not open.</summary>
    internal StableDiffusionModelFolder? OpenModel(string modelKey, string device) =>
        _models.TryGetValue((modelKey, device), out var model) && model.IsValueCreated ? model.Value : null;

    public IReadOnlyList<DeviceStatus> DescribeDevices() => [.. Devices.Select(_activity.Describe)];

    public void Dispose()
    {
        _idleSweep?.Dispose();
        // A sweep already running finishes under its device's lock; none starts closing after this.
        foreach (var residency in _residency.Values)
        {
            lock (residency)
            {
                _disposed = true;
            }
        }

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

    /// <summary>
    /// Counts the job on <paramref name="modelKey"/>'s residency on <paramref name="device"/>, closing the idle models it
    /// displaces, then opens (or reuses) the model's sessions. Eviction happens under the device's residency lock, so a
    /// job that wants an evicted model after that opens it afresh instead of finding the closing sessions.
    /// </summary>
    private StableDiffusionModelFolder Acquire(string modelKey, string device)
    {
        var residency = _residency[device];
        // Measured once per model (file sizes), not on every job.
        var bytes = residency.BudgetBytes > 0
            ? _footprints.GetOrAdd(modelKey, key => ModelFootprint.EstimateBytes(new(_catalog.Prepare(key).Directory)))
            : 0;
        lock (residency)
        {
            foreach (var evicted in residency.Acquire(modelKey, bytes))
            {
                if (Close(evicted, device))
                {
                    LogEvicted(_logger, evicted, device);
                }
            }

            if (residency.OverBudget)
            {
                LogOverBudget(_logger, device, modelKey, residency.UsedBytes, residency.BudgetBytes);
            }
        }

        try
        {
            return Open(modelKey, device);
        }
        catch
        {
            lock (residency)
            {
                residency.Release(modelKey);
                residency.Remove(modelKey); // never opened: it holds no memory
            }

            throw;
        }
    }

    private void Release(string modelKey, string device)
    {
        var residency = _residency[device];
        lock (residency)
        {
            residency.Release(modelKey);
        }
    }

    /// <summary>
    /// Closes the models idle for <paramref name="idle"/> on every device, under each device's residency lock as
    /// eviction does: a job that wants one after that opens it afresh.
    /// </summary>
    private void CloseIdle(TimeSpan idle)
    {
        foreach (var (device, residency) in _residency)
        {
            lock (residency)
            {
                if (_disposed)
                {
                    return;
                }

                foreach (var model in residency.EvictIdleFor(idle))
                {
                    if (Close(model, device))
                    {
                        LogClosedIdle(_logger, model, device, (long)idle.TotalSeconds);
                    }
                }
            }
        }
    }

    /// <summary>Disposes the open sessions of <paramref name="modelKey"/> on <paramref name="device"/>; false when none were open.</summary>
    private bool Close(string modelKey, string device)
    {
        if (!_models.TryRemove((modelKey, device), out var model) || !model.IsValueCreated)
        {
            return false;
        }

        // The batcher's tensors are bound to the UNet's session: release them before the session goes.
        if (_batchers.TryGetValue(device, out var batcher) && batcher.IsValueCreated)
        {
            batcher.Value.Forget(model.Value.UNet);
        }

        model.Value.Dispose();
        _activity.ModelUnloaded(device, modelKey);
        return true;
    }

    private StableDiffusionModelFolder Open(string modelKey, string device)
    {
        var model = _models.GetOrAdd((modelKey, device), key => new Lazy<StableDiffusionModelFolder>(
            () => StableDiffusionModelFolder.Open(
                _catalog.Prepare(key.Model).Directory,
                InferenceDevice.Parse(key.Device),
                _loggers.CreateLogger<StableDiffusionModelFolder>(),
                _cuda,
                adapterBudgetBytes: _residencyOptions.AdapterBudgetBytes,
                sessions: _sessions),
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
                _loggers.CreateLogger<StepBatcher>(),
                (rows, capacity) => _activity.BatchRan(d, rows, capacity)),
            LazyThreadSafetyMode.ExecutionAndPublication)).Value;

    private string LeaseDevice(string modelKey)
    {
        lock (_active)
        {
            var device = ModelAffinity.Choose(
                Devices, d => _active[d], d => _models.TryGetValue((modelKey, d), out var m) && m.IsValueCreated, _residencyOptions.AffinitySlackJobs);
            _active[device]++;
            return device;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Device}: models may hold {BudgetBytes} bytes; idle ones are closed, least recently used first, to make room")]
    private static partial void LogBudget(ILogger logger, string device, long budgetBytes);

    [LoggerMessage(Level = LogLevel.Information, Message = "Closed model {Model} on {Device} to make room for another (least recently used, idle)")]
    private static partial void LogEvicted(ILogger logger, string model, string device);

    [LoggerMessage(Level = LogLevel.Information, Message = "Closed model {Model} on {Device}: no job for {IdleSeconds} s (Inference:Residency:IdleCloseSeconds); its memory is given back")]
    private static partial void LogClosedIdle(ILogger logger, string model, string device, long idleSeconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Inference:Devices is auto and {Reason}: serving the CPU")]
    private static partial void LogAutoOnCpu(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Device}: opening {Model} exceeds the model budget ({UsedBytes} of {BudgetBytes} bytes); every other model there has jobs running")]
    private static partial void LogOverBudget(ILogger logger, string device, string model, long usedBytes, long budgetBytes);

    [LoggerMessage(Level = LogLevel.Information, Message = "A batch of {BatchSize} runs {PerPass} image(s) per pass: in one pass it would need about {PeakBytes} bytes, over the job budget of {BudgetBytes}")]
    private static partial void LogSplit(ILogger logger, int batchSize, int perPass, long peakBytes, long budgetBytes);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A {Width}x{Height} job needs about {PeakBytes} bytes even one image at a time, over this host's job budget of {BudgetBytes}; it runs one image at a time anyway")]
    private static partial void LogOverMemoryBudget(ILogger logger, int width, int height, long peakBytes, long budgetBytes);

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
