using System.CommandLine;
using SdPortal.Inference.Models;
using SdPortal.Inference.Pipeline;

namespace SdPortal.Inference.Cli;

/// <summary>The options of the <c>generate</c> command and their mapping to a <see cref="GenerationSpec"/>.</summary>
internal sealed class GenerateOptions
{
    public Option<DirectoryInfo> Model { get; } = new("--model") { Description = "The diffusers ONNX model folder.", Required = true };

    public Option<string> Prompt { get; } = new("--prompt") { Description = "What to draw.", Required = true };

    public Option<string> Negative { get; } = new("--negative") { Description = "What to avoid.", DefaultValueFactory = _ => string.Empty };

    public Option<int> Steps { get; } = new("--steps") { Description = "Denoising steps (1-150).", DefaultValueFactory = _ => 20 };

    public Option<double> Guidance { get; } = new("--guidance") { Description = "CFG scale (0-30; <= 1 disables guidance).", DefaultValueFactory = _ => 7.5 };

    public Option<string> Scheduler { get; } = new("--scheduler") { Description = "Sampler name.", DefaultValueFactory = _ => GenerationSpec.DefaultScheduler };

    public Option<ulong?> Seed { get; } = new("--seed") { Description = "Seed of the first image (random when omitted)." };

    public Option<int> Width { get; } = new("--width") { Description = "Width in pixels (multiple of 8, 64-2048).", DefaultValueFactory = _ => 512 };

    public Option<int> Height { get; } = new("--height") { Description = "Height in pixels (multiple of 8, 64-2048).", DefaultValueFactory = _ => 512 };

    public Option<int> Batch { get; } = new("--batch") { Description = "Images to generate together (1-8).", DefaultValueFactory = _ => 1 };

    public Option<FileInfo?> Latents { get; } = new("--latents") { Description = "A .npy of N(0,1) starting noise [batch, 4, height/8, width/8], float32 or float16." };

    public Option<DirectoryInfo> Out { get; } = new("--out") { Description = "Folder for the PNG files.", Required = true };

    public Option<InferenceDevice> Device { get; } = new("--device")
    {
        Description = "cpu, cuda or cuda:N.",
        DefaultValueFactory = _ => InferenceDevice.Cpu,
        CustomParser = r =>
        {
            if (InferenceDevice.TryParse(r.Tokens.Single().Value, out var device))
            {
                return device;
            }

            r.AddError($"Unknown device '{r.Tokens.Single().Value}': expected cpu, cuda or cuda:N.");
            return InferenceDevice.Cpu;
        },
    };

    public Option<CpuArena> CpuArena { get; } = new("--cpu-arena")
    {
        Description = "ONNX Runtime's CPU arena: Shrinking (the engine's), Kept or Off; for memory-bench (ADR-016).",
        DefaultValueFactory = _ => Models.CpuArena.Shrinking,
    };

    public Option<long?> MemoryBudget { get; } = new("--memory-budget")
    {
        Description = "Job memory budget in bytes: a batch over it runs in passes, an image over it is refused (Inference:Memory).",
    };

    public Option<bool> Verbose { get; } = new("--verbose") { Description = "Log model loading and timings to stderr." };

    public void AddTo(Command command)
    {
        Option[] all = [Model, Prompt, Negative, Steps, Guidance, Scheduler, Seed, Width, Height, Batch, Latents, Out, Device, CpuArena, MemoryBudget, Verbose];
        foreach (var option in all)
        {
            command.Options.Add(option);
        }
    }

    /// <summary>Builds the request, reading <c>--latents</c> if given.</summary>
    /// <exception cref="InvalidDataException">The latents file is unreadable or has the wrong shape.</exception>
    public GenerationSpec ToRequest(ParseResult parse)
    {
        var request = new GenerationSpec
        {
            Prompt = parse.GetValue(Prompt) ?? string.Empty,
            NegativePrompt = parse.GetValue(Negative) ?? string.Empty,
            Steps = parse.GetValue(Steps),
            GuidanceScale = parse.GetValue(Guidance),
            Scheduler = parse.GetValue(Scheduler) ?? GenerationSpec.DefaultScheduler,
            Seed = parse.GetValue(Seed),
            Width = parse.GetValue(Width),
            Height = parse.GetValue(Height),
            BatchSize = parse.GetValue(Batch),
        };
        return parse.GetValue(Latents) is { } file ? request with { InitialLatents = ReadLatents(file, request) } : request;
    }

    private static float[] ReadLatents(FileInfo file, GenerationSpec request)
    {
        if (!file.Exists)
        {
            throw new InvalidDataException($"{file.FullName} does not exist");
        }

        var array = NpyArray.Read(file.FullName);
        var (h, w) = (request.Height / GenerationSpec.SizeMultiple, request.Width / GenerationSpec.SizeMultiple);
        var shape = array.Shape;
        var fits = shape.Count switch
        {
            4 => shape[0] == request.BatchSize && shape[2] == h && shape[3] == w,
            3 => request.BatchSize == 1 && shape[1] == h && shape[2] == w,
            _ => false,
        };
        if (!fits)
        {
            throw new InvalidDataException(
                $"{file.FullName} has shape ({string.Join(", ", shape)}); [{request.BatchSize}, channels, {h}, {w}] expected");
        }

        return array.Data;
    }
}
