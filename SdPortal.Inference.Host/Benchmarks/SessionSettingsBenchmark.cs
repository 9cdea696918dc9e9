using System.Diagnostics;
using SdPortal.Inference.Models;
using SdPortal.Inference.Pipeline;

namespace SdPortal.Inference.Benchmarks;

/// <summary>
/// Images per second and CPU seconds per image with 1, 2 and 4 jobs at once, for each <see cref="SessionSettings"/>
/// variant, on one model and the CPU, all in one process (these machines are shared and noisy: compare within a run).
/// Each job is its own pipeline call with its own session runs, as concurrent jobs of different shapes or seeds run
/// when step batching does not merge them. A benchmark program, never a timed test.
/// </summary>
public static class SessionSettingsBenchmark
{
    /// <summary>The variants compared: ORT's defaults, then fewer threads, no spinning and no memory pattern.</summary>
    public static IReadOnlyList<SessionSettings> Variants(int cores) =>
    [
        .. new SessionSettings[]
        {
            new(),
            new() { AllowSpinning = false },
            new() { IntraOpThreads = 1, AllowSpinning = false },
            new() { IntraOpThreads = Math.Max(1, cores / 2), AllowSpinning = false },
            new() { AllowSpinning = false, MemoryPattern = false },
        }.DistinctBy(s => s.Describe()),
    ];

    /// <summary>One variant at one concurrency.</summary>
    public sealed record Row(string Settings, int Jobs, double ImagesPerSecond, double CpuSecondsPerImage, double WallSecondsPerImage);

    public static async Task<IReadOnlyList<Row>> RunAsync(string directory, int size, int steps, int rounds, IReadOnlyList<int> concurrency, CancellationToken cancellationToken)
    {
        var rows = new List<Row>();
        foreach (var settings in Variants(Environment.ProcessorCount))
        {
            using var model = StableDiffusionModelFolder.Open(directory, InferenceDevice.Cpu, sessions: settings);
            var pipeline = new StableDiffusionPipeline(model, new StableDiffusionPipelineOptions { PreviewInterval = 0 });
            GenerationSpec Job(int seed) => new() { Prompt = "a lighthouse at dusk", Steps = steps, Width = size, Height = size, Seed = (ulong)seed };
            await pipeline.GenerateAsync(Job(1), cancellationToken: cancellationToken); // warm-up: arenas, patterns, JIT
            foreach (var jobs in concurrency)
            {
                await Task.WhenAll(Enumerable.Range(0, jobs).Select(i => pipeline.GenerateAsync(Job(i), cancellationToken: cancellationToken)));
                var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
                var clock = Stopwatch.StartNew();
                for (var round = 0; round < rounds; round++)
                {
                    await Task.WhenAll(Enumerable.Range(0, jobs).Select(i => pipeline.GenerateAsync(Job(100 + i), cancellationToken: cancellationToken)));
                }

                var images = jobs * rounds;
                var cpu = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalSeconds;
                rows.Add(new Row(settings.Describe(), jobs, images / clock.Elapsed.TotalSeconds, cpu / images, clock.Elapsed.TotalSeconds / images));
            }
        }

        return rows;
    }
}
