using System.Diagnostics.Metrics;
using SdPortal.Inference.Engine;
using SdPortal.Inference.Models;

namespace SdPortal.Inference.Telemetry;

/// <summary>
/// The engine's instruments (meter <see cref="SdPortalTelemetry.EngineMeterName"/>), tagged by device (and model where
/// it applies; both bounded by the host's configuration, never by users): denoising steps (a counter Prometheus turns
/// into steps/s), rows per UNet call and their share of the call's capacity, model loads and evictions, and each GPU's
/// memory, utilisation and temperature read from NVML at collection. Without NVML a GPU reading is null and no series
/// is written for it. <see cref="DeviceActivity"/> feeds the counters; the GPU gauges ask the driver when scraped.
/// </summary>
public sealed class EngineMetrics
{
    private readonly Counter<long> _steps;
    private readonly Histogram<int> _batchRows;
    private readonly Histogram<double> _batchFill;
    private readonly Counter<long> _loads;
    private readonly Counter<long> _evictions;
    private readonly IDeviceTelemetry _telemetry;
    private volatile (string Device, int Ordinal)[] _gpus = [];

    public EngineMetrics(IMeterFactory meters, IDeviceTelemetry telemetry)
    {
        _telemetry = telemetry;
        var meter = meters.Create(SdPortalTelemetry.EngineMeterName);
        _steps = meter.CreateCounter<long>("sdportal.engine.steps", "{step}",
            "Denoising steps finished (one per job per UNet call), by device; its rate is the device's steps per second.");
        _batchRows = meter.CreateHistogram<int>("sdportal.engine.batch.rows", "{row}",
            "Rows (samples) per batched UNet call, by device.", advice: new() { HistogramBucketBoundaries = [1, 2, 3, 4, 6, 8, 12, 16, 24, 32] });
        _batchFill = meter.CreateHistogram<double>("sdportal.engine.batch.fill", "1",
            "Rows of a batched UNet call over the most the device's batcher may run in one call (1: full).",
            advice: new() { HistogramBucketBoundaries = [0.125, 0.25, 0.375, 0.5, 0.625, 0.75, 0.875, 1] });
        _loads = meter.CreateCounter<long>("sdportal.engine.model.loads", "{load}", "Models opened on a device, by model and device.");
        _evictions = meter.CreateCounter<long>("sdportal.engine.model.evictions", "{eviction}",
            "Models closed on a device to make room or because they sat idle, by model and device.");
        meter.CreateObservableGauge("sdportal.gpu.memory.used", () => Read(r => r.MemoryUsedBytes), "By",
            "GPU memory in use, as the driver (NVML) reports it.");
        meter.CreateObservableGauge("sdportal.gpu.memory.total", () => Read(r => r.MemoryTotalBytes), "By", "GPU memory in all (NVML).");
        meter.CreateObservableGauge("sdportal.gpu.utilization", () => Read(r => r.UtilizationPercent / 100), "1",
            "Share of the last sample period the GPU was busy (NVML).");
        meter.CreateObservableGauge("sdportal.gpu.temperature", () => Read(r => r.TemperatureCelsius), "Cel", "GPU die temperature (NVML).");
    }

    /// <summary>
    /// The engine serves <paramref name="devices"/>: their GPUs are read from now on. Called when an engine is built, so a
    /// web node that runs no inference reads no GPU, and a host's idle GPUs show before their first job.
    /// </summary>
    public void Serving(IReadOnlyList<string> devices)
    {
        var gpus = new List<(string, int)>();
        foreach (var device in devices)
        {
            if (InferenceDevice.TryParse(device, out var parsed) && parsed.Kind == InferenceDeviceKind.Cuda)
            {
                gpus.Add((device, parsed.DeviceId));
            }
        }

        _gpus = [.. gpus];
    }

    /// <summary>One denoising step of one job finished on <paramref name="device"/>.</summary>
    public void StepDone(string device) => _steps.Add(1, Device(device));

    /// <summary>A batched UNet call of <paramref name="rows"/> samples ran on <paramref name="device"/>, which allowed <paramref name="capacity"/>.</summary>
    public void BatchRan(string device, int rows, int capacity)
    {
        var tag = Device(device);
        _batchRows.Record(rows, tag);
        if (capacity > 0)
        {
            _batchFill.Record(Math.Min(1.0, (double)rows / capacity), tag);
        }
    }

    /// <summary><paramref name="model"/> was opened on <paramref name="device"/>.</summary>
    public void ModelLoaded(string device, string model) => _loads.Add(1, Device(device), Model(model));

    /// <summary><paramref name="model"/> was closed on <paramref name="device"/>.</summary>
    public void ModelEvicted(string device, string model) => _evictions.Add(1, Device(device), Model(model));

    private IEnumerable<Measurement<double>> Read(Func<GpuReading, double?> field)
    {
        foreach (var (device, ordinal) in _gpus)
        {
            if (_telemetry.Read(ordinal) is { } reading && field(reading) is { } value)
            {
                yield return new Measurement<double>(value, Device(device));
            }
        }
    }

    private static KeyValuePair<string, object?> Device(string device) => new("device", device);

    private static KeyValuePair<string, object?> Model(string model) => new("model", model);
}
