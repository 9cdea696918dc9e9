using System.CommandLine;
using System.Text.Json;
using SdPortal.Inference.Benchmarks;

namespace SdPortal.Inference.Cli;

/// <summary>
/// <c>lora-bench [--model DIR] [--ranks 4,16,64] [--size 256] [--steps 4] [--rounds 3]</c>: the cost of switching LoRA
/// adapters — patch build time, cached reuse, memory per set, job time with and without (docs/benchmarks.md, ADR-021).
/// Prints JSON.
/// </summary>
public sealed class LoraBenchCommand : ICliCommand
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <inheritdoc />
    public Command Build()
    {
        var model = new Option<DirectoryInfo?>("--model") { Description = "Model folder; default: the tiny synthetic model." };
        var ranks = new Option<int[]>("--ranks") { Description = "Adapter ranks.", DefaultValueFactory = _ => [4, 16, 64], AllowMultipleArgumentsPerToken = true };
        var size = new Option<int>("--size") { Description = "Image side of the job-time comparison; 0 skips it.", DefaultValueFactory = _ => 256 };
        var steps = new Option<int>("--steps") { Description = "Steps per job of the comparison.", DefaultValueFactory = _ => 4 };
        var rounds = new Option<int>("--rounds") { Description = "Timed rounds (after one warm-up).", DefaultValueFactory = _ => 3 };
        var command = new Command("lora-bench", "Measure what switching LoRA adapters costs: patch build, reuse, memory, job time.")
        {
            model, ranks, size, steps, rounds,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var directory = parse.GetValue(model)?.FullName ?? EngineBenchmark.WriteTinyModel();
            var report = await LoraBenchmark.MeasureAsync(
                directory, parse.GetValue(ranks) ?? [], parse.GetValue(size), Math.Max(1, parse.GetValue(steps)), Math.Max(1, parse.GetValue(rounds)), cancellationToken);
            parse.InvocationConfiguration.Output.WriteLine(JsonSerializer.Serialize(report, Indented));
            return 0;
        });
        return command;
    }
}
