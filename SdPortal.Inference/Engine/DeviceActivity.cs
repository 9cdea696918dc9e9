using System.Collections.Concurrent;
using SdPortal.Inference.Models;
using SdPortal.Inference.Telemetry;

namespace SdPortal.Inference.Engine;

/// <summary>
/// Counts what each device does (jobs running, steps finished, models opened) so a worker can describe itself to the
/// operators. Cheap and lock-light: the denoising thread records a step with one enqueue. A GPU's memory, utilisation
/// and temperature come from <paramref name="telemetry"/> (NVML) when the device is described; without it they are null.
/// </summary>
public sealed class DeviceActivity(TimeProvider time, IDeviceTelemetry? telemetry = null, EngineMetrics? metrics = null)
{
    /// <summary>The window over which <see cref="DeviceStatus.StepsPerSecond"/> is measured.</summary>
    public static readonly TimeSpan RateWindow = TimeSpan.FromSeconds(10);

    private readonly ConcurrentDictionary<string, Counters> _devices = new(StringComparer.Ordinal);

    /// <summary>Marks a job running on <paramref name="device"/> until the returned handle is disposed.</summary>
    public IDisposable BeginJob(string device)
    {
        var counters = For(device);
        Interlocked.Increment(ref counters.JobsRunning);
        return new JobLease(counters);
    }

    /// <summary>Records a finished denoising step (of one job, whatever its batch) on <paramref name="device"/>.</summary>
    public void StepDone(string device)
    {
        var counters = For(device);
        counters.Steps.Enqueue(time.GetTimestamp());
        Prune(counters);
        metrics?.StepDone(device);
    }

    /// <summary>Records that an engine serves <paramref name="devices"/> (their GPUs are read for the metrics from now on).</summary>
    public void Serving(IReadOnlyList<string> devices) => metrics?.Serving(devices);

    /// <summary>Records a batched UNet call of <paramref name="rows"/> samples on <paramref name="device"/>, which allowed <paramref name="capacity"/>.</summary>
    public void BatchRan(string device, int rows, int capacity) => metrics?.BatchRan(device, rows, capacity);

    /// <summary>Records that <paramref name="model"/> has open sessions on <paramref name="device"/>.</summary>
    public void ModelLoaded(string device, string model)
    {
        if (For(device).Models.TryAdd(model, 0))
        {
            metrics?.ModelLoaded(device, model);
        }
    }

    /// <summary>Records that <paramref name="model"/>'s sessions on <paramref name="device"/> were closed.</summary>
    public void ModelUnloaded(string device, string model)
    {
        if (For(device).Models.TryRemove(model, out _))
        {
            metrics?.ModelEvicted(device, model);
        }
    }

    /// <summary>
    /// What <paramref name="device"/> is doing now: for the CPU, memory as the process's working set; for
    /// <c>cuda:N</c>, the GPU's memory, utilisation and temperature as its driver reports them (null without one).
    /// </summary>
    public DeviceStatus Describe(string device)
    {
        var counters = For(device);
        Prune(counters);
        var rate = counters.Steps.Count / RateWindow.TotalSeconds;
        var models = counters.Models.Keys.Order(StringComparer.Ordinal).ToList();
        var running = Volatile.Read(ref counters.JobsRunning);
        if (device == "cpu")
        {
            return new DeviceStatus(device, models, running, rate, Environment.WorkingSet, GC.GetGCMemoryInfo().TotalAvailableMemoryBytes);
        }

        var gpu = InferenceDevice.TryParse(device, out var parsed) && parsed.Kind == InferenceDeviceKind.Cuda
            ? telemetry?.Read(parsed.DeviceId)
            : null;
        return new DeviceStatus(
            device, models, running, rate, gpu?.MemoryUsedBytes, gpu?.MemoryTotalBytes, gpu?.UtilizationPercent, gpu?.TemperatureCelsius);
    }

    private void Prune(Counters counters)
    {
        var now = time.GetTimestamp();
        while (counters.Steps.TryPeek(out var oldest) && time.GetElapsedTime(oldest, now) > RateWindow)
        {
            counters.Steps.TryDequeue(out _);
        }
    }

    private Counters For(string device) => _devices.GetOrAdd(device, _ => new Counters());

    private sealed class Counters
    {
        public readonly ConcurrentQueue<long> Steps = new();
        public readonly ConcurrentDictionary<string, byte> Models = new(StringComparer.Ordinal);
        public int JobsRunning;
    }

    private sealed class JobLease(Counters counters) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                Interlocked.Decrement(ref counters.JobsRunning);
            }
        }
    }
}
