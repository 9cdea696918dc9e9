using System.CommandLine;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using SdPortal.Inference.Memory;
using SdPortal.Inference.Models;
using SdPortal.Inference.Pipeline;

namespace SdPortal.Inference.Cli;

/// <summary>
/// <c>generate</c>: text to image from a diffusers ONNX model folder. Writes PNG files and prints one JSON object with
/// the seeds, file paths, timings and memory (the process's peak and post-job resident set, read from
/// <c>/proc/self/status</c>, and the estimate; a test and <c>memory-bench</c> run it as a child process to measure a
/// request alone). Exit codes: 0 done, 2 invalid input, 3 unusable model folder, 130 cancelled.
/// </summary>
public sealed class GenerateCommand : ICliCommand
{
    public const int InvalidInputExitCode = 2;
    public const int ModelLoadExitCode = 3;
    public const int CancelledExitCode = 130;

    private static readonly JsonSerializerOptions OutputJson = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    private readonly GenerateOptions _options = new();

    /// <inheritdoc />
    public Command Build()
    {
        var command = new Command("generate", "Generate images from a text prompt with a Stable Diffusion ONNX model folder.");
        _options.AddTo(command);
        command.SetAction(RunAsync);
        return command;
    }

    private async Task<int> RunAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        var output = parse.InvocationConfiguration.Output;
        var error = parse.InvocationConfiguration.Error;
        GenerationSpec request;
        try
        {
            request = _options.ToRequest(parse);
        }
        catch (InvalidDataException ex)
        {
            await error.WriteLineAsync($"error: {ex.Message}");
            return InvalidInputExitCode;
        }

        var errors = request.Validate();
        if (errors.Count > 0)
        {
            return await ReportInvalidAsync(error, errors);
        }

        var modelDirectory = parse.GetRequiredValue(_options.Model).FullName;
        MemoryVerdict? verdict = null;
        try
        {
            verdict = MemoryPlan.For(ModelArchitecture.Read(modelDirectory), request, parse.GetValue(_options.MemoryBudget) ?? long.MaxValue);
        }
        catch (ModelLoadException)
        {
            // No architecture to estimate from: run as asked; opening the folder below names what is wrong with it.
        }

        if (verdict is { Refused: true, Field: { } field, Message: { } message })
        {
            return await ReportInvalidAsync(error, [new GenerationFieldError(field, message)]);
        }

        // Logs go to stderr so that stdout carries only the JSON summary.
        var verbose = parse.GetValue(_options.Verbose);
        using var loggers = LoggerFactory.Create(b => b
            .SetMinimumLevel(verbose ? LogLevel.Information : LogLevel.Warning)
            .AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace));
        try
        {
            using var model = StableDiffusionModelFolder.Open(
                modelDirectory,
                parse.GetValue(_options.Device),
                loggers.CreateLogger<StableDiffusionModelFolder>(),
                cpuArena: parse.GetValue(_options.CpuArena),
                adapterBudgetBytes: request.Adapters.Count > 0 ? StableDiffusionModelFolder.DefaultAdapterBudgetBytes : 0);
            var options = new StableDiffusionPipelineOptions { ImagesPerPass = verdict?.ImagesPerPass };
            var pipeline = new StableDiffusionPipeline(model, options, loggers.CreateLogger<StableDiffusionPipeline>());
            var result = await pipeline.GenerateAsync(request, null, cancellationToken);
            var memory = MeasureMemory(verdict);
            var files = await WriteImagesAsync(parse.GetRequiredValue(_options.Out).FullName, result, cancellationToken);
            await output.WriteLineAsync(JsonSerializer.Serialize(Summary(model, request, result, files, memory), OutputJson));
            return 0;
        }
        catch (GenerationValidationException ex)
        {
            return await ReportInvalidAsync(error, ex.Errors);
        }
        catch (ModelLoadException ex)
        {
            await error.WriteLineAsync($"error: model: {ex.Message}");
            return ModelLoadExitCode;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await error.WriteLineAsync("cancelled");
            return CancelledExitCode;
        }
    }

    private static async Task<int> ReportInvalidAsync(TextWriter error, IEnumerable<GenerationFieldError> errors)
    {
        foreach (var fieldError in errors)
        {
            await error.WriteLineAsync($"error: {fieldError}");
        }

        return InvalidInputExitCode;
    }

    private static async Task<List<string>> WriteImagesAsync(string directory, GenerationResult result, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(directory);
        var files = new List<string>(result.Images.Count);
        var next = OutputFileNames.NextIndex(directory);
        foreach (var image in result.Images)
        {
            var path = Path.Combine(directory, OutputFileNames.For(next++, image.Seed));
            await File.WriteAllBytesAsync(path, image.Png, cancellationToken);
            files.Add(path);
        }

        return files;
    }

    /// <summary>The peak so far, then the resident set once the job's managed buffers are collected (the model stays
    /// open, as in a worker that waits for its next job).</summary>
    private static object MeasureMemory(MemoryVerdict? verdict)
    {
        var peak = ProcessMemory.PeakResidentBytes();
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        return new
        {
            PeakResidentBytes = peak,
            ResidentAfterJobBytes = ProcessMemory.ResidentBytes(),
            EstimatedPeakBytes = verdict?.Estimate?.PeakBytes,
            verdict?.ImagesPerPass,
        };
    }

    private static object Summary(
        StableDiffusionModelFolder model, GenerationSpec request, GenerationResult result, List<string> files, object memory) => new
        {
            Mode = request.Mode.ToString(),
            request.DenoisingSteps,
            Seeds = result.Images.Select(i => i.Seed).ToArray(),
            Files = files,
            result.PromptTruncated,
            ModelHash = model.ModelHash,
            Device = model.Device.ToString(),
            Timings = new
            {
                TextEncodingMs = Math.Round(result.Timings.TextEncoding.TotalMilliseconds, 1),
                DenoisingMs = Math.Round(result.Timings.Denoising.TotalMilliseconds, 1),
                DecodingMs = Math.Round(result.Timings.Decoding.TotalMilliseconds, 1),
                TotalMs = Math.Round(result.Timings.Total.TotalMilliseconds, 1),
                ItPerSecond = Math.Round(result.Timings.ItPerSecond, 3),
            },
            Memory = memory,
        };
}
