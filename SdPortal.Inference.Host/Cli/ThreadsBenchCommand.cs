using System.CommandLine;
using SdPortal.Inference.Benchmarks;

namespace SdPortal.Inference.Cli;

/// <summary>
/// <c>threads-bench [--model DIR] [--size 256] [--steps 10] [--rounds 3] [--jobs 1,2,4]</c>: images/s and CPU time per
/// image for each Inference:Sessions variant (threads, spinning, memory pattern) with that many jobs at once, on the
/// CPU (docs/benchmarks.md, "Session threads and memory pattern"). Prints JSON.
/// </summary>
public sealed class ThreadsBenchCommand : ICliCommand
{
    /// <inheritdoc />
    public Command Build()
    {
        var model = new Option<DirectoryInfo?>("--model") { Description = "Model folder; default: the tiny synthetic model." };
        var size = new Option<int>("--size") { Description = "Image side.", DefaultValueFactory = _ => 256 };
        var steps = new Option<int>("--steps") { Description = "Steps per job.", DefaultValueFactory = _ => 10 };
        var rounds = new Option<int>("--rounds") { Description = "Timed rounds per concurrency.", DefaultValueFactory = _ => 3 };
        var jobs = new Option<string>("--jobs") { Description = "Jobs at once, comma-separated.", DefaultValueFactory = _ => "1,2,4" };
        var command = new Command("threads-bench", "Compare session thread and memory-pattern settings with concurrent jobs on the CPU.")
        {
            model, size, steps, rounds, jobs,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var concurrency = (parse.GetValue(jobs) ?? "1,2,4").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(j => int.TryParse(j, out var n) && n > 0 ? n : 0).ToArray();
            if (concurrency.Length == 0 || concurrency.Contains(0))
            {
                parse.InvocationConfiguration.Error.WriteLine("--jobs must be positive numbers separated by commas, e.g. 1,2,4");
                return 2;
            }

            var directory = parse.GetValue(model)?.FullName ?? EngineBenchmark.WriteTinyModel();
            var rows = await SessionSettingsBenchmark.RunAsync(
                directory, parse.GetValue(size), Math.Max(1, parse.GetValue(steps)), Math.Max(1, parse.GetValue(rounds)), concurrency, cancellationToken);
            var machine = $"{Environment.ProcessorCount} logical CPUs, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}";
            parse.InvocationConfiguration.Output.WriteLine(MemoryBenchmark.ToJson(new { machine, model = EngineBenchmark.Describe(directory), rows }));
            return 0;
        });
        return command;
    }
}
