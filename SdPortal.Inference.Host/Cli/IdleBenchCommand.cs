using System.CommandLine;
using SdPortal.Inference.Benchmarks;

namespace SdPortal.Inference.Cli;

/// <summary>
/// <c>idle-bench [--model DIR] [--size 256] [--steps 2]</c>: the resident memory an idle model holds and what its idle
/// close (Inference:Residency:IdleCloseSeconds) gives back on the CPU, and the next job's cost of opening it again
/// (docs/benchmarks.md, "Idle model close"). Prints JSON.
/// </summary>
public sealed class IdleBenchCommand : ICliCommand
{
    /// <inheritdoc />
    public Command Build()
    {
        var model = new Option<DirectoryInfo?>("--model") { Description = "Model folder; default: the tiny synthetic model." };
        var size = new Option<int>("--size") { Description = "Image side.", DefaultValueFactory = _ => 256 };
        var steps = new Option<int>("--steps") { Description = "Steps per job.", DefaultValueFactory = _ => 2 };
        var command = new Command("idle-bench", "Measure the memory an idle model's close gives back and the cost of reopening it.") { model, size, steps };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var directory = parse.GetValue(model)?.FullName ?? EngineBenchmark.WriteTinyModel();
            var report = await IdleCloseBenchmark.MeasureAsync(directory, parse.GetValue(size), Math.Max(1, parse.GetValue(steps)), cancellationToken);
            var machine = $"{Environment.ProcessorCount} logical CPUs, {GC.GetGCMemoryInfo().TotalAvailableMemoryBytes} bytes of memory, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}";
            parse.InvocationConfiguration.Output.WriteLine(MemoryBenchmark.ToJson(new { machine, report }));
            return 0;
        });
        return command;
    }
}
