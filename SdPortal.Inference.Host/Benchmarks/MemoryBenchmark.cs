using System.Diagnostics;
using System.Text.Json;
using SdPortal.Inference.Memory;
using SdPortal.Inference.Models;
using SdPortal.Inference.Pipeline;

namespace SdPortal.Inference.Benchmarks;

/// <summary>
/// Memory per request (ADR-016): each size × batch × CPU arena runs as <c>generate</c> in a fresh child process, which
/// reports its own peak resident set (VmHWM) and its resident set after the job; the row puts the estimate
/// (<see cref="MemoryEstimator"/>) beside them. Then the cost of the arena choices in time per step, measured in one
/// process with the three choices' sessions taking turns, so machine load affects them alike. A benchmark program,
/// never a timed test.
/// </summary>
public static class MemoryBenchmark
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true, Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() } };

    /// <summary>One child process's figures.</summary>
    public sealed record Row(
        CpuArena Arena, int Size, int Batch, long EstimatedPeakBytes, long? PeakResidentBytes, long? ResidentAfterJobBytes, double MsPerStep, string? Skipped);

    /// <summary>Runs every size × batch × arena as a child process; a row whose estimate is over <paramref name="maxEstimateBytes"/> is skipped, not run.</summary>
    public static async Task<List<Row>> MeasurePeaksAsync(
        string modelDirectory, IReadOnlyList<int> sizes, IReadOnlyList<int> batches, IReadOnlyList<CpuArena> arenas, int steps,
        long maxEstimateBytes, CancellationToken cancellationToken)
    {
        var model = ModelArchitecture.Read(modelDirectory);
        var rows = new List<Row>();
        foreach (var arena in arenas)
        {
            foreach (var size in sizes)
            {
                foreach (var batch in batches)
                {
                    var estimate = MemoryEstimator.Estimate(model, size, size, batch, guided: true).PeakBytes;
                    rows.Add(estimate > maxEstimateBytes
                        ? new Row(arena, size, batch, estimate, null, null, 0, $"estimate over --max-estimate {maxEstimateBytes}")
                        : await RunChildAsync(modelDirectory, arena, size, batch, steps, estimate, cancellationToken));
                }
            }
        }

        return rows;
    }

    /// <summary>Median milliseconds per guided step of each arena choice at <paramref name="size"/>, the choices taking turns in this process.</summary>
    public static async Task<Dictionary<CpuArena, double>> MeasureStepTimesAsync(
        string modelDirectory, int size, int steps, int rounds, CancellationToken cancellationToken)
    {
        var arenas = Enum.GetValues<CpuArena>();
        var models = arenas.ToDictionary(a => a, a => StableDiffusionModelFolder.Open(modelDirectory, InferenceDevice.Cpu, cpuArena: a));
        try
        {
            var request = new GenerationSpec { Prompt = "a photo of a cat", Steps = steps, Width = size, Height = size, Scheduler = "Euler", Seed = 42 };
            var samples = arenas.ToDictionary(a => a, _ => new List<double>());
            for (var round = 0; round <= rounds; round++)
            {
                foreach (var arena in arenas)
                {
                    var pipeline = new StableDiffusionPipeline(models[arena], new StableDiffusionPipelineOptions { PreviewInterval = 0 });
                    var timings = (await pipeline.GenerateAsync(request, cancellationToken: cancellationToken)).Timings;
                    if (round > 0) // round 0 warms each session up
                    {
                        samples[arena].Add(timings.Denoising.TotalMilliseconds / timings.Steps);
                    }
                }
            }

            return samples.ToDictionary(s => s.Key, s => s.Value.Order().ElementAt(s.Value.Count / 2));
        }
        finally
        {
            foreach (var model in models.Values)
            {
                model.Dispose();
            }
        }
    }

    private static async Task<Row> RunChildAsync(
        string modelDirectory, CpuArena arena, int size, int batch, int steps, long estimate, CancellationToken cancellationToken)
    {
        var output = Directory.CreateTempSubdirectory("sdportal-memory-bench-");
        try
        {
            var start = ChildStart();
            string[] arguments =
            [
                "generate", "--model", modelDirectory, "--prompt", "a photo of a cat", "--steps", $"{steps}", "--scheduler", "Euler",
                "--seed", "42", "--width", $"{size}", "--height", $"{size}", "--batch", $"{batch}", "--cpu-arena", $"{arena}",
                "--out", output.FullName,
            ];
            foreach (var argument in arguments)
            {
                start.ArgumentList.Add(argument);
            }

            using var child = Process.Start(start) ?? throw new InvalidOperationException("The child process did not start.");
            var stdout = await child.StandardOutput.ReadToEndAsync(cancellationToken);
            await child.WaitForExitAsync(cancellationToken);
            if (child.ExitCode != 0)
            {
                return new Row(arena, size, batch, estimate, null, null, 0, $"exit code {child.ExitCode}: {await child.StandardError.ReadToEndAsync(cancellationToken)}");
            }

            var summary = JsonDocument.Parse(stdout).RootElement;
            var memory = summary.GetProperty("memory");
            var timings = summary.GetProperty("timings");
            return new Row(
                arena, size, batch, estimate,
                memory.GetProperty("peakResidentBytes").GetInt64(),
                memory.GetProperty("residentAfterJobBytes").GetInt64(),
                timings.GetProperty("denoisingMs").GetDouble() / steps,
                null);
        }
        finally
        {
            output.Delete(recursive: true);
        }
    }

    /// <summary>This program again: the apphost, or <c>dotnet</c> with this assembly when run that way.</summary>
    private static ProcessStartInfo ChildStart()
    {
        var self = Environment.ProcessPath ?? "dotnet";
        var start = new ProcessStartInfo(self) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(self) == "dotnet")
        {
            start.ArgumentList.Add(typeof(MemoryBenchmark).Assembly.Location);
        }

        return start;
    }

    /// <summary>The figures as indented JSON.</summary>
    public static string ToJson(object report) => JsonSerializer.Serialize(report, Json);
}
