using System.Runtime.InteropServices;

namespace SdPortal.Inference.Gpu;

/// <summary>
/// NVML (the NVIDIA driver's management library) bound at run time: <see cref="NativeLibrary.TryLoad(string, out nint)"/>
/// and one export per call, so a machine without NVIDIA drivers loads the engine fine and simply has no readings.
/// </summary>
internal sealed class NvmlLibrary : INvml
{
    private const int NvmlTemperatureGpu = 0;

    private readonly InitFn _init;
    private readonly InitFn _shutdown;
    private readonly HandleFn _handle;
    private readonly MemoryFn _memory;
    private readonly UtilizationFn _utilization;
    private readonly TemperatureFn _temperature;

    private NvmlLibrary(nint library)
    {
        _init = Export<InitFn>(library, "nvmlInit_v2");
        _shutdown = Export<InitFn>(library, "nvmlShutdown");
        _handle = Export<HandleFn>(library, "nvmlDeviceGetHandleByIndex_v2");
        _memory = Export<MemoryFn>(library, "nvmlDeviceGetMemoryInfo");
        _utilization = Export<UtilizationFn>(library, "nvmlDeviceGetUtilizationRates");
        _temperature = Export<TemperatureFn>(library, "nvmlDeviceGetTemperature");
    }

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate int InitFn();

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate int HandleFn(uint index, out nint device);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate int MemoryFn(nint device, out NvmlMemory memory);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate int UtilizationFn(nint device, out NvmlUtilization utilization);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate int TemperatureFn(nint device, int sensor, out uint celsius);

    /// <summary>The driver's library name on this operating system.</summary>
    public static string FileName => OperatingSystem.IsWindows() ? "nvml.dll" : "libnvidia-ml.so.1";

    /// <summary>Loads NVML, or returns null and why not (no library, or a library without the calls).</summary>
    public static INvml? TryLoad(out string? failure)
    {
        if (!NativeLibrary.TryLoad(FileName, out var library))
        {
            failure = $"{FileName} could not be loaded (no NVIDIA driver on this machine)";
            return null;
        }

        try
        {
            failure = null;
            return new NvmlLibrary(library);
        }
        catch (EntryPointNotFoundException ex)
        {
            NativeLibrary.Free(library);
            failure = ex.Message;
            return null;
        }
    }

    public int Init() => _init();

    public int Shutdown() => _shutdown();

    public int DeviceHandle(uint index, out nint device) => _handle(index, out device);

    public int Memory(nint device, out NvmlMemory memory) => _memory(device, out memory);

    public int Utilization(nint device, out NvmlUtilization utilization) => _utilization(device, out utilization);

    public int Temperature(nint device, out uint celsius) => _temperature(device, NvmlTemperatureGpu, out celsius);

    private static T Export<T>(nint library, string name)
        where T : Delegate =>
        NativeLibrary.TryGetExport(library, name, out var address)
            ? Marshal.GetDelegateForFunctionPointer<T>(address)
            : throw new EntryPointNotFoundException($"{FileName} has no {name}");
}
