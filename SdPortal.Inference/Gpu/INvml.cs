using System.Runtime.InteropServices;

namespace SdPortal.Inference.Gpu;

/// <summary>
/// The few NVML calls the pool page needs, each returning NVML's status code (0: success). An interface so the
/// mapping from NVML's answers to <see cref="Engine.GpuReading"/> can be tested without a driver.
/// </summary>
internal interface INvml
{
    /// <summary>nvmlInit_v2.</summary>
    int Init();

    /// <summary>nvmlShutdown.</summary>
    int Shutdown();

    /// <summary>nvmlDeviceGetHandleByIndex_v2.</summary>
    int DeviceHandle(uint index, out nint device);

    /// <summary>nvmlDeviceGetMemoryInfo.</summary>
    int Memory(nint device, out NvmlMemory memory);

    /// <summary>nvmlDeviceGetUtilizationRates.</summary>
    int Utilization(nint device, out NvmlUtilization utilization);

    /// <summary>nvmlDeviceGetTemperature for the GPU die sensor (NVML_TEMPERATURE_GPU).</summary>
    int Temperature(nint device, out uint celsius);
}

/// <summary>nvmlMemory_t: bytes of device memory.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct NvmlMemory
{
    public ulong Total;
    public ulong Free;
    public ulong Used;
}

/// <summary>nvmlUtilization_t: percent of the last sample period the GPU (and its memory) was busy.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct NvmlUtilization
{
    public uint Gpu;
    public uint Memory;
}
