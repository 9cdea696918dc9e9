using System.Diagnostics;
using System.Runtime.InteropServices;
using SdPortal.Inference.Models;
using SdPortal.Inference.Pipeline;
using SdPortal.Inference.Synthetic;
using SdPortal.Inference.Tokenization;

namespace SdPortal.Inference.Benchmarks;

/// <summary>
/// Measures the engine end to end on one device: text encoder, guided UNet step (denoising time ÷ steps, scheduler
/// included), VAE decode (+ PNG), whole image, managed allocations per step, tokenizer throughput, and the step
/// batching figures (<see cref="BatchingBenchmark"/>).
/// A benchmark program, never a timed test.
/// </summary>
public static class EngineBenchmark
{
    private static readonly string[] Prompts =
    [
        "a photo of a cat sitting on a windowsill, golden hour, 35mm",
        "An ancient castle on a cliff above a stormy sea, dramatic lighting, highly detailed, trending on artstation",
        "portrait of an astronaut, (freckles:1.2), soft light, 85mm f/1.4",
        "isometric pixel art of a tiny coffee shop, pastel colours",
    ];

    /// <summary>Runs the benchmark; writes the tiny synthetic model first when no model folder is given.</summary>
    public static async Task<EngineBenchmarkReport> RunAsync(
        EngineBenchmarkSettings settings, InferenceDevice device, CancellationToken cancellationToken)
    {
        var directory = settings.ModelDirectory ?? WriteTinyModel();
        using var model = StableDiffusionModelFolder.Open(directory, device, cuda: settings.Cuda);
        var pipeline = new StableDiffusionPipeline(model, new StableDiffusionPipelineOptions { PreviewInterval = 0 });
        var request = new GenerationSpec
        {
            Prompt = Prompts[0],
            Steps = settings.Steps,
            Width = settings.Size,
            Height = settings.Size,
            Scheduler = settings.Scheduler,
            Seed = 42,
        };

        await pipeline.GenerateAsync(request, cancellationToken: cancellationToken); // warm-up: arenas, JIT, caches
        var runs = new List<GenerationTimings>();
        for (var i = 0; i < settings.Repetitions; i++)
        {
            runs.Add((await pipeline.GenerateAsync(request, cancellationToken: cancellationToken)).Timings);
        }

        var bytesPerStep = await ManagedBytesPerStepAsync(pipeline, request, cancellationToken);
        var batching = settings.Concurrent > 0
            ? await BatchingBenchmark.RunAsync(model, request, settings.Concurrent, settings.Repetitions, cancellationToken)
            : null;
        return new EngineBenchmarkReport(
            Machine: $"{Environment.ProcessorCount} logical CPUs, {RuntimeInformation.OSDescription}, {RuntimeInformation.ProcessArchitecture}",
            Device: model.Device.ToString(),
            Model: Describe(directory),
            Size: settings.Size,
            Steps: settings.Steps,
            Scheduler: settings.Scheduler,
            TextEncoderMs: Median(runs, t => t.TextEncoding.TotalMilliseconds),
            GuidedUNetStepMs: Median(runs, t => t.Denoising.TotalMilliseconds / t.Steps),
            VaeDecodeMs: Median(runs, t => t.Decoding.TotalMilliseconds),
            ImageMs: Median(runs, t => t.Total.TotalMilliseconds),
            StepsPerSecond: Median(runs, t => t.ItPerSecond),
            ManagedBytesPerStep: bytesPerStep,
            TokenizerPromptsPerSecond: TokenizerThroughput(model.Tokenizer),
            Batching: batching,
            CudaProviderOptions: model.Device.Kind == InferenceDeviceKind.Cuda
                ? (settings.Cuda ?? new CudaProviderSettings()).ToProviderOptions(model.Device.DeviceId)
                : null);
    }

    /// <summary>(bytes of a 2N-step run − bytes of an N-step run) ÷ N: what each extra step costs, set-up excluded.</summary>
    private static async Task<double> ManagedBytesPerStepAsync(
        StableDiffusionPipeline pipeline, GenerationSpec request, CancellationToken cancellationToken)
    {
        async Task<long> AllocatedBy(GenerationSpec r)
        {
            var before = GC.GetTotalAllocatedBytes(precise: true);
            await pipeline.GenerateAsync(r, cancellationToken: cancellationToken);
            return GC.GetTotalAllocatedBytes(precise: true) - before;
        }

        var steps = request.Steps;
        var shorter = await AllocatedBy(request);
        var longer = await AllocatedBy(request with { Steps = 2 * steps });
        return Math.Max(0, longer - shorter) / (double)steps;
    }

    private static double TokenizerThroughput(ClipTokenizer tokenizer)
    {
        const int Count = 20_000;
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < Count; i++)
        {
            tokenizer.Encode(Prompts[i % Prompts.Length]);
        }

        return Count / clock.Elapsed.TotalSeconds;
    }

    /// <summary>
    /// "synthetic sd15 fp32" and the like for the project's synthetic folders, from their marker (not always "tiny",
    /// as the report once said); the path for any other model.
    /// </summary>
    internal static string Describe(string directory)
    {
        if (!SyntheticModelFolder.IsSynthetic(directory))
        {
            return directory;
        }

        using var marker = System.Text.Json.JsonDocument.Parse(File.ReadAllBytes(Path.Combine(directory, SyntheticModelFolder.MarkerFileName)));
        string Field(string name) => marker.RootElement.TryGetProperty(name, out var value) ? value.GetString() ?? "?" : "?";
        return $"synthetic {Field("config")} {Field("precision")}";
    }

    internal static string WriteTinyModel()
    {
        var directory = Path.Combine(Path.GetTempPath(), "sdportal-bench-tiny");
        if (!SyntheticModelFolder.IsSynthetic(directory))
        {
            SyntheticModelFolder.Write(SyntheticModelConfig.Tiny, directory, new SyntheticWriteOptions());
        }

        return directory;
    }

    private static double Median(List<GenerationTimings> runs, Func<GenerationTimings, double> pick)
    {
        var values = runs.Select(pick).Order().ToArray();
        return values.Length % 2 == 1 ? values[values.Length / 2] : (values[(values.Length / 2) - 1] + values[values.Length / 2]) / 2;
    }
}
