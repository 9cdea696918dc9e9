using System.CommandLine;
using System.Globalization;
using SdPortal.Inference.Imaging;
using SdPortal.Inference.Lora;
using SdPortal.Inference.Models;
using SdPortal.Inference.Pipeline;

namespace SdPortal.Inference.Cli;

/// <summary>The options of the <c>generate</c> command and their mapping to a <see cref="GenerationSpec"/>.</summary>
internal sealed class GenerateOptions
{
    private static readonly GenerationSpec Defaults = new();

    public Option<DirectoryInfo> Model { get; } = new("--model") { Description = "The diffusers ONNX model folder.", Required = true };

    public Option<string> Prompt { get; } = new("--prompt") { Description = "What to draw.", Required = true };

    public Option<string> Negative { get; } = new("--negative") { Description = "What to avoid.", DefaultValueFactory = _ => string.Empty };

    public Option<int> Steps { get; } = new("--steps") { Description = "Denoising steps (1-150).", DefaultValueFactory = _ => Defaults.Steps };

    public Option<double> Guidance { get; } = new("--guidance") { Description = "CFG scale (0-30; <= 1 disables guidance).", DefaultValueFactory = _ => Defaults.GuidanceScale };

    public Option<string> Scheduler { get; } = new("--scheduler") { Description = "Sampler name.", DefaultValueFactory = _ => GenerationSpec.DefaultScheduler };

    public Option<ulong?> Seed { get; } = new("--seed") { Description = "Seed of the first image (random when omitted)." };

    public Option<int> Width { get; } = new("--width") { Description = "Width in pixels (multiple of 8, 64-2048); with --init-image, the image's width rounded down to 8 when omitted.", DefaultValueFactory = _ => Defaults.Width };

    public Option<int> Height { get; } = new("--height") { Description = "Height in pixels (multiple of 8, 64-2048); with --init-image, the image's height rounded down to 8 when omitted.", DefaultValueFactory = _ => Defaults.Height };

    public Option<int> Batch { get; } = new("--batch") { Description = "Images to generate together (1-8).", DefaultValueFactory = _ => Defaults.BatchSize };

    public Option<FileInfo?> Latents { get; } = new("--latents") { Description = "A .npy of N(0,1) starting noise [batch, 4, height/8, width/8], float32 or float16." };

    public Option<FileInfo?> InitImage { get; } = new("--init-image") { Description = "Start from this PNG, JPEG or WebP (image-to-image), fitted to the output size by centre crop." };

    public Option<double> Strength { get; } = new("--strength")
    {
        Description = "Image-to-image denoising strength in (0, 1]: int(steps x strength) steps run.",
        DefaultValueFactory = _ => GenerationSpec.DefaultStrength,
    };

    public Option<FileInfo?> Mask { get; } = new("--mask") { Description = "Inpainting mask over --init-image (white = repaint), the init image's size." };

    public Option<int> MaskBlur { get; } = new("--mask-blur") { Description = "Mask blur in pixels (0-64).", DefaultValueFactory = _ => Defaults.MaskBlur };

    public Option<bool> InvertMask { get; } = new("--invert-mask") { Description = "Repaint the black part of the mask." };

    public Option<InpaintFill> InpaintFill { get; } = new("--inpaint-fill") { Description = "Masked content: Original, Noise or Fill.", DefaultValueFactory = _ => Defaults.InpaintFill };

    public Option<bool> OnlyMasked { get; } = new("--only-masked") { Description = "Inpaint only the mask's region at full resolution, then paste it back." };

    public Option<int> Padding { get; } = new("--only-masked-padding") { Description = "Pixels around the mask for --only-masked (0-256).", DefaultValueFactory = _ => Defaults.OnlyMaskedPadding };

    public Option<string[]> Lora { get; } = new("--lora")
    {
        Description = "A LoRA adapter (.safetensors) to apply, as FILE or FILE:WEIGHT (weight -2..2, default 1); repeatable. Its name in the parameters is the file name.",
        Arity = ArgumentArity.ZeroOrMore,
    };

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
        Option[] all =
        [
            Model, Prompt, Negative, Steps, Guidance, Scheduler, Seed, Width, Height, Batch, Latents,
            InitImage, Strength, Mask, MaskBlur, InvertMask, InpaintFill, OnlyMasked, Padding, Lora,
            Out, Device, CpuArena, MemoryBudget, Verbose,
        ];
        foreach (var option in all)
        {
            command.Options.Add(option);
        }
    }

    /// <summary>Builds the request, reading <c>--latents</c>, <c>--init-image</c> and <c>--mask</c> if given.</summary>
    /// <exception cref="InvalidDataException">A file is missing or unreadable, or the latents have the wrong shape.</exception>
    public GenerationSpec ToRequest(ParseResult parse)
    {
        var init = parse.GetValue(InitImage) is { } initFile ? ReadFile(InitImage, initFile) : null;
        var mask = parse.GetValue(Mask) is { } maskFile ? ReadFile(Mask, maskFile) : null;
        var (loras, adapters) = ReadAdapters(parse.GetValue(Lora) ?? []);
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
            Strength = parse.GetValue(Strength),
            MaskBlur = parse.GetValue(MaskBlur),
            InvertMask = parse.GetValue(InvertMask),
            InpaintFill = parse.GetValue(InpaintFill),
            InpaintOnlyMasked = parse.GetValue(OnlyMasked),
            OnlyMaskedPadding = parse.GetValue(Padding),
            Loras = loras.Count == 0 ? null : loras,
            Inputs = init is null && mask is null && adapters.Count == 0 ? null : new GenerationInputs(init, mask) { Adapters = adapters },
        };
        request = init is null ? request : SizedToImage(parse, request, init);
        return parse.GetValue(Latents) is { } file ? request with { InitialLatents = ReadLatents(file, request) } : request;
    }

    /// <summary>Without --width/--height, an image-to-image output takes the init image's size, rounded down to 8.</summary>
    private GenerationSpec SizedToImage(ParseResult parse, GenerationSpec request, byte[] init)
    {
        InputImageInfo info;
        try
        {
            info = InputImageDecoder.Probe(init);
        }
        catch (InputImageException)
        {
            return request; // the pipeline names the problem on the field
        }

        static int Fit(int pixels) => Math.Clamp(pixels / GenerationSpec.SizeMultiple * GenerationSpec.SizeMultiple, GenerationSpec.MinSize, GenerationSpec.MaxSize);
        return request with
        {
            Width = parse.GetResult(Width) is { Implicit: false } ? request.Width : Fit(info.Width),
            Height = parse.GetResult(Height) is { Implicit: false } ? request.Height : Fit(info.Height),
        };
    }

    /// <summary>Reads each <c>--lora FILE[:WEIGHT]</c>; the adapter is named after its file (made a valid name).</summary>
    private (List<LoraUse> Uses, Dictionary<string, LoraWeights> Files) ReadAdapters(string[] values)
    {
        var uses = new List<LoraUse>();
        var files = new Dictionary<string, LoraWeights>(StringComparer.OrdinalIgnoreCase);
        foreach (var value in values)
        {
            var colon = value.LastIndexOf(':');
            var (path, weight) = colon > 0 && double.TryParse(value[(colon + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture, out var w)
                ? (value[..colon], w)
                : (value, 1d);
            var file = new FileInfo(path);
            var name = new string([.. Path.GetFileNameWithoutExtension(file.Name).Select(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '-' ? c : '_')]);
            name = name.Length == 0 || !char.IsAsciiLetterOrDigit(name[0]) ? "lora" + name : name;
            name = name[..Math.Min(name.Length, 64)];
            try
            {
                files[name] = LoraWeights.Parse(ReadFile(Lora, file));
            }
            catch (LoraFormatException ex)
            {
                throw new InvalidDataException($"--lora: {file.Name}: {ex.Message}", ex);
            }

            uses.Add(new LoraUse(name, weight));
        }

        return (uses, files);
    }

    private static byte[] ReadFile(Option option, FileInfo file) =>
        file.Exists ? File.ReadAllBytes(file.FullName) : throw new InvalidDataException($"{option.Name}: {file.FullName} does not exist");

    private static float[] ReadLatents(FileInfo file, GenerationSpec request)
    {
        if (!file.Exists)
        {
            throw new InvalidDataException($"--latents: {file.FullName} does not exist");
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
                $"--latents: {file.FullName} has shape ({string.Join(", ", shape)}); [{request.BatchSize}, channels, {h}, {w}] expected");
        }

        return array.Data;
    }
}
