using System.Text.Json;

namespace SdPortal.Inference.Benchmarks;

/// <summary>
/// The engine's figures for docs/benchmarks.md (medians over the timed repetitions); on a GPU, with the CUDA provider
/// options they were measured under.
/// </summary>
public sealed record EngineBenchmarkReport(
    string Machine,
    string Device,
    string Model,
    int Size,
    int Steps,
    string Scheduler,
    double TextEncoderMs,
    double GuidedUNetStepMs,
    double VaeDecodeMs,
    double ImageMs,
    double StepsPerSecond,
    double ManagedBytesPerStep,
    double TokenizerPromptsPerSecond,
    BatchingFigures? Batching,
    IReadOnlyDictionary<string, string>? CudaProviderOptions = null)
{
    private static readonly JsonSerializerOptions Indented = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    /// <summary>The report as indented JSON.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, Indented);
}
