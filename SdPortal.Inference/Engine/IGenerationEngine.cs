using SdPortal.Inference.Pipeline;

namespace SdPortal.Inference.Engine;

/// <summary>Runs one request on a model of the catalogue, on one of this process's devices.</summary>
public interface IGenerationEngine
{
    /// <summary>The devices this process serves, e.g. ["cpu"].</summary>
    IReadOnlyList<string> Devices { get; }

    /// <summary>What each device is doing now, for the operators' pool page.</summary>
    IReadOnlyList<DeviceStatus> DescribeDevices();

    /// <summary>Generates <paramref name="request"/> with model <paramref name="modelKey"/>; progress as the pipeline reports it.</summary>
    /// <returns>The images and timings, and the device that ran them.</returns>
    Task<(GenerationResult Result, string Device)> GenerateAsync(
        string modelKey, GenerationSpec request, IProgress<GenerationProgress>? progress, CancellationToken cancellationToken);
}
