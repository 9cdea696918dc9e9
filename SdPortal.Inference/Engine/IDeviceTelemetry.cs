namespace SdPortal.Inference.Engine;

/// <summary>What a GPU's driver reports about it now; null where it cannot tell.</summary>
/// <param name="MemoryUsedBytes">Device memory in use, by every process.</param>
/// <param name="MemoryTotalBytes">Device memory installed.</param>
/// <param name="UtilizationPercent">Share of the last sample period in which a kernel ran, 0–100.</param>
/// <param name="TemperatureCelsius">GPU die temperature.</param>
public sealed record GpuReading(long? MemoryUsedBytes, long? MemoryTotalBytes, double? UtilizationPercent, double? TemperatureCelsius);

/// <summary>Reads GPUs' memory, utilisation and temperature from the driver.</summary>
public interface IDeviceTelemetry
{
    /// <summary>The reading of CUDA device <paramref name="ordinal"/>, or null when the driver cannot be asked.</summary>
    GpuReading? Read(int ordinal);
}

/// <summary>Telemetry for a process that has no way to ask the driver: every reading is null.</summary>
public sealed class NoDeviceTelemetry : IDeviceTelemetry
{
    /// <summary>The one instance.</summary>
    public static readonly NoDeviceTelemetry Instance = new();

    /// <inheritdoc />
    public GpuReading? Read(int ordinal) => null;
}
