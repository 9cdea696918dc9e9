namespace SdPortal.Inference.Engine;

/// <summary>
/// What one device of a worker is doing, for the operators' GPU pool page. Memory, utilisation and temperature are
/// null where the device does not report them.
/// </summary>
/// <param name="Device">The device, e.g. "cuda:0" or "cpu".</param>
/// <param name="ModelsLoaded">Model keys with open sessions on the device.</param>
/// <param name="JobsRunning">Jobs on the device now.</param>
/// <param name="StepsPerSecond">Denoising steps (iterations) per second over the last few seconds, all jobs together.</param>
/// <param name="MemoryUsedBytes">Memory in use: the GPU's, or the process's working set on the CPU.</param>
/// <param name="MemoryTotalBytes">Memory available to the device.</param>
/// <param name="UtilizationPercent">Compute utilisation, 0–100.</param>
/// <param name="TemperatureCelsius">Device temperature.</param>
public sealed record DeviceStatus(
    string Device,
    IReadOnlyList<string> ModelsLoaded,
    int JobsRunning,
    double StepsPerSecond,
    long? MemoryUsedBytes = null,
    long? MemoryTotalBytes = null,
    double? UtilizationPercent = null,
    double? TemperatureCelsius = null);
