using SdPortal.Inference.Models;

namespace SdPortal.Inference.Benchmarks;

/// <summary>What <see cref="EngineBenchmark"/> measures and how often.</summary>
/// <param name="ModelDirectory">A model folder; null writes the tiny synthetic model to a temporary folder.</param>
/// <param name="Size">Image side in pixels.</param>
/// <param name="Steps">Denoising steps per image.</param>
/// <param name="Repetitions">Timed images after one warm-up image; the median is reported.</param>
/// <param name="Scheduler">Sampler name; a deterministic one keeps runs comparable.</param>
/// <param name="Concurrent">Requests submitted at once for the batched/unbatched throughput figures; 0 skips them.</param>
/// <param name="Cuda">The CUDA provider's settings on a GPU; null: the defaults (the settings under comparison in docs/benchmarks.md).</param>
public sealed record EngineBenchmarkSettings(
    string? ModelDirectory = null,
    int Size = 256,
    int Steps = 20,
    int Repetitions = 5,
    string Scheduler = "Euler",
    int Concurrent = 32,
    CudaProviderSettings? Cuda = null);
