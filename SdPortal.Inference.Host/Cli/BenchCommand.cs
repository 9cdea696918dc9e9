using System.CommandLine;
using System.ComponentModel.DataAnnotations;
using SdPortal.Inference.Benchmarks;
using SdPortal.Inference.Models;

namespace SdPortal.Inference.Cli;

/// <summary>
/// <c>bench [--model DIR] [--device cpu|cuda:N] [--size 256] [--steps 20] [--repetitions 5] [--concurrent 32]
/// [--conv-search HEURISTIC] [--arena kSameAsRequested] [--prefer-nhwc]</c>: measures the engine and prints the figures as
/// JSON (docs/benchmarks.md). The CUDA flags are the <c>Inference:Cuda</c> settings still to be compared on a GPU.
/// </summary>
public sealed class BenchCommand : ICliCommand
{
    /// <inheritdoc />
    public Command Build()
    {
        var model = new Option<DirectoryInfo?>("--model") { Description = "Model folder; default: the tiny synthetic model." };
        var device = new Option<string>("--device") { Description = "cpu or cuda[:N].", DefaultValueFactory = _ => "cpu" };
        var size = new Option<int>("--size") { Description = "Image side in pixels.", DefaultValueFactory = _ => 256 };
        var steps = new Option<int>("--steps") { Description = "Denoising steps.", DefaultValueFactory = _ => 20 };
        var repetitions = new Option<int>("--repetitions") { Description = "Timed images.", DefaultValueFactory = _ => 5 };
        var concurrent = new Option<int>("--concurrent")
        {
            Description = "Requests at once for the batched vs unbatched throughput; 0 skips it.",
            DefaultValueFactory = _ => 32,
        };
        var convSearch = new Option<string>("--conv-search") { Description = "cudnn_conv_algo_search: EXHAUSTIVE, HEURISTIC or DEFAULT.", DefaultValueFactory = _ => "HEURISTIC" };
        var arena = new Option<string>("--arena") { Description = "arena_extend_strategy: kNextPowerOfTwo or kSameAsRequested.", DefaultValueFactory = _ => "kSameAsRequested" };
        var preferNhwc = new Option<bool>("--prefer-nhwc") { Description = "Set the CUDA provider's prefer_nhwc." };
        var command = new Command("bench", "Measure the engine: UNet step, VAE, text encoder, image, allocations, tokenizer.")
        {
            model, device, size, steps, repetitions, concurrent, convSearch, arena, preferNhwc,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            if (!InferenceDevice.TryParse(parse.GetValue(device) ?? "cpu", out var chosen))
            {
                parse.InvocationConfiguration.Error.WriteLine("--device must be cpu or cuda[:N]");
                return 2;
            }

            var cuda = new CudaProviderSettings
            {
                ConvAlgorithmSearch = parse.GetValue(convSearch) ?? "HEURISTIC",
                ArenaExtendStrategy = parse.GetValue(arena) ?? "kSameAsRequested",
                PreferNhwc = parse.GetValue(preferNhwc),
            };
            var invalid = new List<ValidationResult>();
            if (!Validator.TryValidateObject(cuda, new ValidationContext(cuda), invalid, validateAllProperties: true))
            {
                invalid.ForEach(error => parse.InvocationConfiguration.Error.WriteLine(error.ErrorMessage));
                return 2;
            }

            var settings = new EngineBenchmarkSettings(
                parse.GetValue(model)?.FullName,
                parse.GetValue(size),
                parse.GetValue(steps),
                Math.Max(1, parse.GetValue(repetitions)),
                Concurrent: Math.Max(0, parse.GetValue(concurrent)),
                Cuda: cuda);
            var report = await EngineBenchmark.RunAsync(settings, chosen, cancellationToken);
            parse.InvocationConfiguration.Output.WriteLine(report.ToJson());
            return 0;
        });
        return command;
    }
}
