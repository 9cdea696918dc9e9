using System.Globalization;
using Microsoft.Extensions.Logging;
using SdPortal.Inference.Engine;

namespace SdPortal.Inference.Gpu;

/// <summary>
/// GPU readings through NVML, loaded on the first reading. Without NVIDIA drivers (or if NVML fails to start) every
/// reading is null and one line says why; nothing throws. A call NVML does not support on a GPU (some report no
/// utilisation or temperature) leaves just that field null.
/// CUDA ordinals are mapped to NVML indices through <c>CUDA_VISIBLE_DEVICES</c> when it lists indices; CUDA numbers
/// the visible GPUs fastest first unless <c>CUDA_DEVICE_ORDER=PCI_BUS_ID</c>, which NVML's order follows, so set that
/// on hosts with mixed GPUs. A <c>CUDA_VISIBLE_DEVICES</c> of UUIDs gives no readings (not mapped).
/// </summary>
public sealed partial class NvmlDeviceTelemetry : IDeviceTelemetry, IDisposable
{
    private const int Success = 0;

    private readonly Lazy<INvml?> _nvml;
    private readonly string? _visibleDevices;

    /// <summary>Telemetry over the machine's NVML, loaded when first asked.</summary>
    public NvmlDeviceTelemetry(ILogger<NvmlDeviceTelemetry> logger)
        : this(NvmlLibrary.TryLoad, Environment.GetEnvironmentVariable("CUDA_VISIBLE_DEVICES"), logger)
    {
    }

    internal NvmlDeviceTelemetry(LoadNvml load, string? visibleDevices, ILogger logger)
    {
        _visibleDevices = visibleDevices;
        _nvml = new Lazy<INvml?>(() => Start(load, logger), LazyThreadSafetyMode.ExecutionAndPublication);
    }

    internal delegate INvml? LoadNvml(out string? failure);

    /// <inheritdoc />
    public GpuReading? Read(int ordinal)
    {
        if (_nvml.Value is not { } nvml || NvmlIndex(ordinal, _visibleDevices) is not { } index
            || nvml.DeviceHandle(index, out var device) != Success)
        {
            return null;
        }

        var memory = nvml.Memory(device, out var m) == Success ? m : (NvmlMemory?)null;
        return new GpuReading(
            MemoryUsedBytes: memory is { } used ? checked((long)used.Used) : null,
            MemoryTotalBytes: memory is { } total ? checked((long)total.Total) : null,
            UtilizationPercent: nvml.Utilization(device, out var u) == Success ? u.Gpu : null,
            TemperatureCelsius: nvml.Temperature(device, out var celsius) == Success ? celsius : null);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_nvml.IsValueCreated)
        {
            _nvml.Value?.Shutdown();
        }
    }

    /// <summary>
    /// The NVML index of CUDA device <paramref name="ordinal"/>: the ordinal-th entry of
    /// <paramref name="visibleDevices"/> when that lists indices, the ordinal itself when it is unset, otherwise null.
    /// </summary>
    internal static uint? NvmlIndex(int ordinal, string? visibleDevices)
    {
        if (ordinal < 0)
        {
            return null;
        }

        if (string.IsNullOrWhiteSpace(visibleDevices))
        {
            return (uint)ordinal;
        }

        var entries = visibleDevices.Split(',', StringSplitOptions.TrimEntries);
        return ordinal < entries.Length && uint.TryParse(entries[ordinal], NumberStyles.None, CultureInfo.InvariantCulture, out var index)
            ? index
            : null;
    }

    private static INvml? Start(LoadNvml load, ILogger logger)
    {
        var nvml = load(out var failure);
        if (nvml is null)
        {
            LogUnavailable(logger, failure ?? "it could not be loaded");
            return null;
        }

        var status = nvml.Init();
        if (status != Success)
        {
            LogUnavailable(logger, $"nvmlInit_v2 returned {status}");
            return null;
        }

        return nvml;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "No GPU memory, utilisation or temperature figures: NVML is unavailable ({Reason})")]
    private static partial void LogUnavailable(ILogger logger, string reason);
}
