using System.CommandLine;
using SdPortal.Inference.Benchmarks;
using SdPortal.Inference.Models;

namespace SdPortal.Inference.Cli;

/// <summary>
/// <c>memory-bench [--model DIR] [--sizes 256,512,768] [--batches 1,2,4] [--arenas Shrinking,Kept,Off] [--steps 3]
/// [--max-estimate BYTES] [--ratio-size 512] [--ratio-steps 4] [--rounds 3]</c>: peak and post-job resident memory per
/// request, each in a fresh child process, beside the estimate; then time per step of each CPU arena choice
/// (docs/benchmarks.md, ADR-016). Prints JSON.
/// </summary>
public sealed class MemoryBenchCommand : ICliCommand
{
    /// <inheritdoc />
    public Command Build()
    {
        var model = new Option<DirectoryInfo?>("--model") { Description = "Model folder; default: the tiny synthetic model." };
        var sizes = new Option<int[]>("--sizes") { Description = "Image sides.", DefaultValueFactory = _ => [256, 512, 768], AllowMultipleArgumentsPerToken = true };
        var batches = new Option<int[]>("--batches") { Description = "Batch sizes.", DefaultValueFactory = _ => [1, 2, 4], AllowMultipleArgumentsPerToken = true };
        var arenas = new Option<CpuArena[]>("--arenas") { Description = "CPU arena choices.", DefaultValueFactory = _ => [CpuArena.Shrinking], AllowMultipleArgumentsPerToken = true };
        var steps = new Option<int>("--steps") { Description = "Steps per child run.", DefaultValueFactory = _ => 3 };
        var maxEstimate = new Option<long>("--max-estimate") { Description = "Skip a request whose estimate is over this many bytes (protects the machine).", DefaultValueFactory = _ => 8L << 30 };
        var ratioSize = new Option<int>("--ratio-size") { Description = "Image side of the step-time comparison; 0 skips it.", DefaultValueFactory = _ => 512 };
        var ratioSteps = new Option<int>("--ratio-steps") { Description = "Steps per image of the step-time comparison.", DefaultValueFactory = _ => 4 };
        var rounds = new Option<int>("--rounds") { Description = "Timed rounds of the step-time comparison (after one warm-up).", DefaultValueFactory = _ => 3 };
        var command = new Command("memory-bench", "Measure peak and post-job memory per request size and arena choice, and the choices' step times.")
        {
            model, sizes, batches, arenas, steps, maxEstimate, ratioSize, ratioSteps, rounds,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var directory = parse.GetValue(model)?.FullName ?? EngineBenchmark.WriteTinyModel();
            var rows = await MemoryBenchmark.MeasurePeaksAsync(
                directory,
                parse.GetValue(sizes) ?? [],
                parse.GetValue(batches) ?? [],
                parse.GetValue(arenas) ?? [],
                Math.Max(1, parse.GetValue(steps)),
                parse.GetValue(maxEstimate),
                cancellationToken);
            var size = parse.GetValue(ratioSize);
            var stepTimes = size > 0
                ? await MemoryBenchmark.MeasureStepTimesAsync(directory, size, Math.Max(1, parse.GetValue(ratioSteps)), Math.Max(1, parse.GetValue(rounds)), cancellationToken)
                : null;
            var machine = $"{Environment.ProcessorCount} logical CPUs, {GC.GetGCMemoryInfo().TotalAvailableMemoryBytes} bytes of memory, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}";
            parse.InvocationConfiguration.Output.WriteLine(MemoryBenchmark.ToJson(new { machine, rows, msPerStep = stepTimes, stepSize = size }));
            return 0;
        });
        return command;
    }
}
