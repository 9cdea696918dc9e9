using System.Text.Json.Serialization;
using SdPortal.Inference.Noise;
using SdPortal.Inference.Schedulers;

namespace SdPortal.Inference.Pipeline;

/// <summary>
/// One generation job — text-to-image, image-to-image or inpainting — and everything that determines its images: the
/// single owner of every parameter, its default, its limits and its validation. REST bodies, the Create form, the job
/// row (as JSON), the ticket a host runs, the PNG metadata and the CLI all read and write this record. Check it with
/// <see cref="Validate"/>. Input images are referenced by id; the bytes travel beside it in <see cref="Inputs"/>.
/// </summary>
public sealed record GenerationSpec
{
    public const int MinSteps = 1;
    public const int MaxSteps = 150;
    public const double MaxGuidance = 30;
    public const int MinSize = 64;
    public const int MaxSize = 2048;
    public const int SizeMultiple = 8;
    public const int MaxBatchSize = 8;

    /// <summary>
    /// The longest prompt or negative prompt, in characters: about a thousand CLIP tokens, far more than chunked text
    /// encoding gives weight to, and small enough that a job row, a listing and the PNG text stay small.
    /// </summary>
    public const int MaxPromptLength = 4000;

    /// <summary>The longest name (scheduler, model) a message quotes back; a longer one is named by its length only.</summary>
    public const int MaxQuotedNameLength = 64;

    /// <summary>The sampler used when a request names none.</summary>
    public const string DefaultScheduler = "Euler a";

    /// <summary>The denoising strength of image-to-image when none is given (A1111's default).</summary>
    public const double DefaultStrength = 0.75;

    /// <summary>The widest mask blur, in pixels.</summary>
    public const int MaxMaskBlur = 64;

    /// <summary>The largest "only masked" padding, in pixels.</summary>
    public const int MaxOnlyMaskedPadding = 256;

    /// <summary>Adapters one job may apply, from <see cref="Loras"/> and the prompt's tags together.</summary>
    public const int MaxLoras = 5;

    /// <summary>The largest adapter strength either way (A1111's slider reaches 2).</summary>
    public const double MaxLoraWeight = 2;

    /// <summary>What an adapter's name may be: 1–64 letters, digits, '_', '.', '-', starting with a letter or digit.</summary>
    public const string LoraNamePattern = "^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$";

    /// <summary>The model's catalogue key, e.g. "sd15"; null takes the portal's default (the CLI names a folder instead).</summary>
    public string? Model { get; init; }

    /// <summary>What to draw.</summary>
    public string Prompt { get; init; } = string.Empty;

    /// <summary>What to steer away from (the unconditional branch of classifier-free guidance).</summary>
    public string NegativePrompt { get; init; } = string.Empty;

    /// <summary>Denoising steps, 1…150.</summary>
    public int Steps { get; init; } = 20;

    /// <summary>Classifier-free guidance scale g, 0…30; g ≤ 1 runs the conditional branch only.</summary>
    public double GuidanceScale { get; init; } = 7.5;

    /// <summary>The sampler: one of <see cref="SchedulerFactory.Names"/>, or a name <see cref="SchedulerFactory"/> accepts
    /// for one (case-insensitive, snake-case ids).</summary>
    public string Scheduler { get; init; } = DefaultScheduler;

    /// <summary>The seed of the first image; image k of the batch uses Seed + k. Null: one is drawn and returned.</summary>
    public ulong? Seed { get; init; }

    /// <summary>Image width in pixels: a multiple of 8 within 64…2048.</summary>
    public int Width { get; init; } = 512;

    /// <summary>Image height in pixels: a multiple of 8 within 64…2048.</summary>
    public int Height { get; init; } = 512;

    /// <summary>Images generated together, 1…8.</summary>
    public int BatchSize { get; init; } = 1;

    /// <summary>How the prompts are read: A1111's attention and scheduling syntax (the default), or as plain text.</summary>
    public PromptSyntax PromptSyntax { get; init; } = PromptSyntax.A1111;

    /// <summary>The tenant's input image to start from (image-to-image); null for text-to-image.</summary>
    public Guid? InitImageId { get; init; }

    /// <summary>Image-to-image's denoising strength in (0, 1]: the share of the steps that run (1 redraws everything).</summary>
    public double Strength { get; init; } = DefaultStrength;

    /// <summary>The tenant's mask image (white = repaint) over <see cref="InitImageId"/>; null repaints everything.</summary>
    public Guid? MaskImageId { get; init; }

    /// <summary>The mask's Gaussian blur radius in pixels, 0…64 (A1111's default 4).</summary>
    public int MaskBlur { get; init; } = 4;

    /// <summary>Repaint the black part of the mask instead of the white.</summary>
    public bool InvertMask { get; init; }

    /// <summary>What the masked area starts from (A1111's "masked content").</summary>
    public InpaintFill InpaintFill { get; init; } = InpaintFill.Original;

    /// <summary>Inpaint only the mask's bounding box (plus <see cref="OnlyMaskedPadding"/>) at the full output size, then paste it back.</summary>
    public bool InpaintOnlyMasked { get; init; }

    /// <summary>Pixels around the mask's bounding box that "only masked" includes, 0…256 (A1111's default 32).</summary>
    public int OnlyMaskedPadding { get; init; } = 32;

    /// <summary>
    /// Adapters to apply by name, each with its strength; <c>&lt;lora:name:weight&gt;</c> tags in an A1111-syntax
    /// prompt add to them (<see cref="Adapters"/> is the union).
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<LoraUse>? Loras { get; init; }

    /// <summary>Every adapter the job applies: <see cref="Loras"/>, then the prompt's tags (A1111 syntax only).</summary>
    [JsonIgnore]
    public IReadOnlyList<LoraUse> Adapters =>
        PromptSyntax == PromptSyntax.A1111 ? [.. Loras ?? [], .. LoraPromptTags.Read(Prompt).Uses] : Loras ?? [];

    /// <summary>The bytes of the referenced input images, for the engine; never serialized (the ids are).</summary>
    [JsonIgnore]
    public GenerationInputs? Inputs { get; init; }

    /// <summary>What kind of job this is, from the input images it names or carries.</summary>
    [JsonIgnore]
    public GenerationMode Mode =>
        MaskImageId is not null || Inputs?.Mask is not null ? GenerationMode.Inpaint
        : InitImageId is not null || Inputs?.InitImage is not null ? GenerationMode.ImageToImage
        : GenerationMode.TextToImage;

    /// <summary>
    /// The denoising steps that actually run: all of them for text-to-image; for image-to-image and inpainting
    /// diffusers' <c>min(int(steps × strength), steps)</c>, the tail of the schedule. Credits follow this count.
    /// </summary>
    [JsonIgnore]
    public int DenoisingSteps =>
        Mode == GenerationMode.TextToImage || Steps < MinSteps || !double.IsFinite(Strength) || Strength is <= 0 or > 1
            ? Steps
            : ImageToImageStart.DenoisingSteps(Steps, Strength);

    /// <summary>
    /// Standard-normal starting noise [BatchSize, channels, Height/8, Width/8] in C order, replacing the seeded draw
    /// (it is still multiplied by the scheduler's initial sigma, as diffusers does with user latents).
    /// </summary>
    [JsonIgnore]
    public ReadOnlyMemory<float>? InitialLatents { get; init; }

    /// <summary>Whether <see cref="InitialLatents"/> overrides the seeded noise.</summary>
    [JsonIgnore]
    public bool HasInitialLatents => InitialLatents is not null;

    /// <summary>The number of latent values <see cref="InitialLatents"/> must hold.</summary>
    public long LatentLength(int latentChannels) =>
        (long)BatchSize * latentChannels * (Height / SizeMultiple) * (Width / SizeMultiple);

    /// <summary>The largest first seed of a batch of <paramref name="batchSize"/>: image k uses seed + k, and every
    /// image's seed must fit the signed 64-bit seeds the API and the PNG text carry.</summary>
    public static ulong MaxSeed(int batchSize) => long.MaxValue - (ulong)Math.Clamp(batchSize - 1, 0, MaxBatchSize);

    /// <summary>Lists every invalid field; empty when the request can run.</summary>
    /// <param name="latentChannels">The model's latent channels, for checking <see cref="InitialLatents"/>.</param>
    /// <param name="scheduler">The model's scheduler config: when given, the sampler's own limits (LCM's step
    /// ceiling, a prediction type it cannot use) are checked too, exactly as the worker will build it.</param>
    /// <param name="sizeMultiple">The model's own size multiple (<see cref="Models.ModelSizeMultiple"/>), when known.</param>
    public IReadOnlyList<GenerationFieldError> Validate(int latentChannels = 4, SchedulerConfig? scheduler = null, int sizeMultiple = SizeMultiple)
    {
        var errors = new List<GenerationFieldError>();
        if (string.IsNullOrWhiteSpace(Prompt))
        {
            errors.Add(new("prompt", "must not be empty"));
        }

        if (NegativePrompt is null)
        {
            errors.Add(new("negativePrompt", "must not be null; an empty string means none"));
        }

        CheckPrompt(errors, "prompt", Prompt);
        CheckPrompt(errors, "negativePrompt", NegativePrompt);

        if (Steps is < MinSteps or > MaxSteps)
        {
            errors.Add(new("steps", $"must be within {MinSteps}…{MaxSteps}, not {Steps}"));
        }

        if (!double.IsFinite(GuidanceScale) || GuidanceScale is < 0 or > MaxGuidance)
        {
            errors.Add(new("guidanceScale", $"must be within 0…{MaxGuidance}, not {GuidanceScale}"));
        }

        if (Scheduler is null || SchedulerFactory.Canonical(Scheduler) is null)
        {
            errors.Add(new("scheduler", $"{Quote(Scheduler)} is unknown; valid: {string.Join(", ", SchedulerFactory.Names)}"));
        }
        else if (scheduler is not null && Steps is >= MinSteps and <= MaxSteps && SchedulerError(scheduler) is { } schedulerError)
        {
            errors.Add(schedulerError);
        }

        if (Seed > MaxSeed(BatchSize))
        {
            errors.Add(new("seed", $"must be at most {MaxSeed(BatchSize)} for a batch of {BatchSize}, so that seed + k fits for each image"));
        }

        if (!Enum.IsDefined(PromptSyntax))
        {
            errors.Add(new("promptSyntax", "must be a1111 or plain"));
        }

        CheckImageInputs(errors);
        CheckLoras(errors);

        var sizeValid = CheckSize(errors, "width", Width, sizeMultiple) & CheckSize(errors, "height", Height, sizeMultiple);
        if (BatchSize is < 1 or > MaxBatchSize)
        {
            errors.Add(new("batchSize", $"must be within 1…{MaxBatchSize}, not {BatchSize}"));
        }
        else if (sizeValid && InitialLatents is { } latents && latents.Length != LatentLength(latentChannels))
        {
            errors.Add(new(
                "initialLatents",
                $"holds {latents.Length} values; [{BatchSize}, {latentChannels}, {Height / SizeMultiple}, {Width / SizeMultiple}] needs {LatentLength(latentChannels)}"));
        }

        return errors;
    }

    private void CheckLoras(List<GenerationFieldError> errors)
    {
        if (PromptSyntax == PromptSyntax.A1111 && LoraPromptTags.Read(Prompt).InvalidTag is { } invalid)
        {
            errors.Add(new("prompt", $"the adapter tag {Quote(invalid)} has no valid weight; write <lora:name:0.8>"));
        }

        var adapters = Adapters;
        if (adapters.Count > MaxLoras)
        {
            errors.Add(new("loras", $"at most {MaxLoras} adapters per job, not {adapters.Count} (with the prompt's <lora:…> tags)"));
            return;
        }

        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < adapters.Count; i++)
        {
            var (name, weight) = (adapters[i].Name, adapters[i].Weight);
            var field = i < (Loras?.Count ?? 0) ? $"loras[{i}]" : "prompt";
            if (name is null || !System.Text.RegularExpressions.Regex.IsMatch(name, LoraNamePattern))
            {
                errors.Add(new($"{field}.name", $"{Quote(name)} is not an adapter name (1–64 letters, digits, '_', '.', '-')"));
            }
            else if (!seen.Add(name))
            {
                errors.Add(new($"{field}.name", $"{Quote(name)} is applied twice; give it once with the summed weight"));
            }

            if (!double.IsFinite(weight) || Math.Abs(weight) > MaxLoraWeight)
            {
                errors.Add(new($"{field}.weight", $"must be within −{MaxLoraWeight}…{MaxLoraWeight}, not {weight}"));
            }
        }
    }

    /// <summary>
    /// <paramref name="name"/> quoted for a message, or described by its length when it is too long or holds control
    /// characters: an error never echoes a megabyte, or a forged log line, back to the caller and the logs.
    /// </summary>
    public static string Quote(string? name) =>
        name is null ? "(none)"
        : name.Length <= MaxQuotedNameLength && !name.Any(char.IsControl) ? $"'{name}'"
        : $"a name of {name.Length} characters";

    /// <summary>The scheduler, built as the worker builds it; its refusals become field errors like the spec's own.</summary>
    /// <exception cref="ArgumentException">As <see cref="SchedulerFactory.Create"/>.</exception>
    public IDiffusionScheduler CreateScheduler(SchedulerConfig config, INoiseSource? noise)
    {
        try
        {
            return SchedulerFactory.Create(Scheduler, config, Steps, noise);
        }
        catch (ArgumentOutOfRangeException ex)
        {
            throw new GenerationValidationException([new("steps", ex.Message)]);
        }
        catch (ArgumentException ex)
        {
            throw new GenerationValidationException([new("scheduler", ex.Message)]);
        }
    }

    private GenerationFieldError? SchedulerError(SchedulerConfig config)
    {
        try
        {
            CreateScheduler(config, new SeededGaussianNoise(0)); // never drawn from: only the limits matter
            return null;
        }
        catch (GenerationValidationException ex)
        {
            return ex.Errors[0];
        }
    }

    private void CheckImageInputs(List<GenerationFieldError> errors)
    {
        if (!double.IsFinite(Strength) || Strength is <= 0 or > 1)
        {
            errors.Add(new("strength", $"must be within (0, 1], not {Strength}"));
        }
        else if (Mode != GenerationMode.TextToImage && Steps is >= MinSteps and <= MaxSteps && DenoisingSteps < 1)
        {
            // diffusers refuses it too: int(steps × strength) would run no step at all.
            errors.Add(new("strength", $"runs int({Steps} × {Strength}) = 0 steps; raise strength or steps so that at least one runs"));
        }

        if (MaskImageId is not null && InitImageId is null)
        {
            errors.Add(new("maskImageId", "needs initImageId: a mask says which part of an input image to repaint"));
        }

        if (Inputs is { Mask: not null, InitImage: null })
        {
            errors.Add(new("maskImageId", "a mask needs an init image to repaint"));
        }

        if ((InitImageId is not null && Inputs is not null && Inputs.InitImage is null)
            || (MaskImageId is not null && Inputs is not null && Inputs.Mask is null))
        {
            errors.Add(new("initImageId", "the referenced image's bytes are missing"));
        }

        if (MaskBlur is < 0 or > MaxMaskBlur)
        {
            errors.Add(new("maskBlur", $"must be within 0…{MaxMaskBlur} pixels, not {MaskBlur}"));
        }

        if (!Enum.IsDefined(InpaintFill))
        {
            errors.Add(new("inpaintFill", "must be original, noise or fill"));
        }

        if (OnlyMaskedPadding is < 0 or > MaxOnlyMaskedPadding)
        {
            errors.Add(new("onlyMaskedPadding", $"must be within 0…{MaxOnlyMaskedPadding} pixels, not {OnlyMaskedPadding}"));
        }
    }

    private static void CheckPrompt(List<GenerationFieldError> errors, string field, string? value)
    {
        if (value is null)
        {
            return;
        }

        if (value.Length > MaxPromptLength)
        {
            errors.Add(new(field, $"must have at most {MaxPromptLength} characters, not {value.Length}"));
        }

        // Prompts are written into PNG text chunks, which cannot hold NUL; tabs and line breaks are ordinary writing.
        if (value.Any(c => char.IsControl(c) && c is not ('\t' or '\n' or '\r')))
        {
            errors.Add(new(field, "must not contain control characters other than tabs and line breaks"));
        }
    }

    private static bool CheckSize(List<GenerationFieldError> errors, string field, int value, int modelMultiple)
    {
        if (value is < MinSize or > MaxSize || value % SizeMultiple != 0)
        {
            errors.Add(new(field, $"must be a multiple of {SizeMultiple} within {MinSize}…{MaxSize}, not {value}"));
            return false;
        }

        if (value % modelMultiple != 0)
        {
            var lower = value / modelMultiple * modelMultiple;
            var suggestion = lower >= MinSize ? $"{lower} or {lower + modelMultiple}" : $"{lower + modelMultiple}";
            errors.Add(new(field, $"must be a multiple of {modelMultiple} for this model (its UNet halves the latents evenly only then), not {value}; try {suggestion}"));
            return false;
        }

        return true;
    }
}
