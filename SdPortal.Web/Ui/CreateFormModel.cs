using System.Globalization;
using SdPortal.Inference.Pipeline;
using SdPortal.Web.Inputs;

namespace SdPortal.Web.Ui;

/// <summary>
/// What the Create form edits: a <see cref="GenerationSpec"/> in editable form (its defaults are the spec's), plus the
/// form's own state (size preset, random seed). <see cref="IdempotencyKey"/> names this form's submission: the submitter
/// accepts at most one job under it (R9), and a new key is drawn once that job is accepted.
/// </summary>
public sealed class CreateFormModel
{
    private static readonly GenerationSpec Defaults = new();

    public const string CustomSize = "custom";

    /// <summary>Sizes people pick most; anything else is <see cref="CustomSize"/>.</summary>
    public static readonly IReadOnlyList<(int Width, int Height)> SizePresets =
        [(256, 256), (512, 512), (512, 768), (768, 512), (768, 768), (1024, 1024)];

    public string Prompt { get; set; } = string.Empty;

    public string NegativePrompt { get; set; } = string.Empty;

    public string? Model { get; set; }

    public string Scheduler { get; set; } = Defaults.Scheduler;

    public int Steps { get; set; } = Defaults.Steps;

    public double GuidanceScale { get; set; } = Defaults.GuidanceScale;

    public int Width { get; set; } = Defaults.Width;

    public int Height { get; set; } = Defaults.Height;

    public PromptSyntax PromptSyntax { get; set; } = Defaults.PromptSyntax;

    /// <summary>
    /// Text to image, image to image or inpaint: which of the fields below the spec carries. The uploaded image stays
    /// in the form while the mode is text, so switching back finds it again.
    /// </summary>
    public GenerationMode Mode { get; set; } = GenerationMode.TextToImage;

    /// <summary>The input image to start from; sent only in image-to-image and inpaint mode.</summary>
    public Guid? InitImageId { get; set; }

    /// <summary>What the form shows of <see cref="InitImageId"/>: its size and format (the thumbnail is its file URL).</summary>
    public InputImageResponse? InitImage { get; set; }

    public double Strength { get; set; } = Defaults.Strength;

    /// <summary>The mask over <see cref="InitImageId"/>, uploaded from the mask painter at Generate; sent only in inpaint mode.</summary>
    public Guid? MaskImageId { get; set; }

    public int MaskBlur { get; set; } = Defaults.MaskBlur;

    public bool InvertMask { get; set; }

    public InpaintFill InpaintFill { get; set; } = Defaults.InpaintFill;

    public bool InpaintOnlyMasked { get; set; }

    public int OnlyMaskedPadding { get; set; } = Defaults.OnlyMaskedPadding;

    /// <summary>"512x512"-style key of the chosen preset, or <see cref="CustomSize"/>.</summary>
    public string SizeKey
    {
        get => SizePresets.Contains((Width, Height)) ? PresetKey(Width, Height) : CustomSize;
        set
        {
            if (value != CustomSize && SizePresets.FirstOrDefault(p => PresetKey(p.Width, p.Height) == value) is { Width: > 0 } preset)
            {
                (Width, Height) = preset;
            }
        }
    }

    public bool RandomSeed { get; set; } = true;

    public long? Seed { get; set; }

    public int BatchSize { get; set; } = Defaults.BatchSize;

    /// <summary>The adapters to apply (the spec's <c>loras</c>), in the order picked; at most <see cref="GenerationSpec.MaxLoras"/>.</summary>
    public List<LoraPick> Loras { get; set; } = [];

    public string IdempotencyKey { get; private set; } = NewKey();

    public static string PresetKey(int width, int height) => string.Create(CultureInfo.InvariantCulture, $"{width}x{height}");

    /// <summary>
    /// The denoising steps that run, as the spec counts them (<see cref="GenerationSpec.DenoisingSteps"/>): in an image
    /// mode the strength's share, even before an image is chosen (a placeholder id marks the mode, as the cost route does).
    /// </summary>
    public int DenoisingSteps => (ToSpec() with { InitImageId = Mode == GenerationMode.TextToImage ? null : InitImageId ?? Guid.Empty }).DenoisingSteps;

    /// <summary>
    /// The output size for an input image of <paramref name="width"/> × <paramref name="height"/>: scaled down (aspect
    /// kept) so that neither side exceeds <paramref name="maxSide"/>, then each side rounded to the nearest multiple of
    /// <see cref="GenerationSpec.SizeMultiple"/> within <see cref="GenerationSpec.MinSize"/>…the largest side allowed.
    /// </summary>
    public static (int Width, int Height) SizeFor(int width, int height, int maxSide)
    {
        var ceiling = Math.Clamp(maxSide, GenerationSpec.MinSize, GenerationSpec.MaxSize) / GenerationSpec.SizeMultiple * GenerationSpec.SizeMultiple;
        var scale = Math.Min(1.0, (double)ceiling / Math.Max(1, Math.Max(width, height)));
        int Side(int side) => Math.Clamp(
            (int)Math.Round(side * scale / GenerationSpec.SizeMultiple, MidpointRounding.AwayFromZero) * GenerationSpec.SizeMultiple,
            GenerationSpec.MinSize, ceiling);
        return (Side(width), Side(height));
    }

    /// <summary>Takes <paramref name="image"/> as the input image (a new one: any painted mask belongs to the old).</summary>
    public void UseInitImage(InputImageResponse image, int maxSide)
    {
        (InitImageId, InitImage, MaskImageId) = (image.Id, image, null);
        (Width, Height) = SizeFor(image.Width, image.Height, maxSide);
    }

    /// <summary>The query value of a mode ("img2img", "inpaint", "txt2img"), for links such as the gallery's "send to".</summary>
    public static string ModeKey(GenerationMode mode) => mode switch
    {
        GenerationMode.ImageToImage => "img2img",
        GenerationMode.Inpaint => "inpaint",
        _ => "txt2img",
    };

    /// <summary>The mode a <see cref="ModeKey"/> names; text to image for anything else.</summary>
    public static GenerationMode ModeOf(string? key) => key switch
    {
        "img2img" => GenerationMode.ImageToImage,
        "inpaint" => GenerationMode.Inpaint,
        _ => GenerationMode.TextToImage,
    };

    /// <summary>Why a width or height cannot run (the engine's rule), or null when both can.</summary>
    public static string? SizeError(int width, int height) =>
        IsValidSide(width) && IsValidSide(height)
            ? null
            : $"Width and height must be multiples of {GenerationSpec.SizeMultiple} within {GenerationSpec.MinSize}…{GenerationSpec.MaxSize}.";

    /// <summary>The form of a job's spec, for "reuse"; <paramref name="seed"/> fixes the seed (e.g. one image's).</summary>
    public static CreateFormModel FromSpec(GenerationSpec spec, long? seed) => new()
    {
        Prompt = spec.Prompt,
        NegativePrompt = spec.NegativePrompt,
        Model = spec.Model,
        Scheduler = spec.Scheduler,
        Steps = spec.Steps,
        GuidanceScale = spec.GuidanceScale,
        Width = spec.Width,
        Height = spec.Height,
        BatchSize = spec.BatchSize,
        PromptSyntax = spec.PromptSyntax,
        Mode = spec.Mode,
        InitImageId = spec.InitImageId,
        Strength = spec.Strength,
        MaskImageId = spec.MaskImageId,
        MaskBlur = spec.MaskBlur,
        InvertMask = spec.InvertMask,
        InpaintFill = spec.InpaintFill,
        InpaintOnlyMasked = spec.InpaintOnlyMasked,
        OnlyMaskedPadding = spec.OnlyMaskedPadding,
        Loras = [.. (spec.Loras ?? []).Select(l => new LoraPick { Name = l.Name, Weight = l.Weight })],
        RandomSeed = (seed ?? (long?)spec.Seed) is null,
        Seed = seed ?? (long?)spec.Seed,
    };

    /// <summary>A copy with a fresh idempotency key: a new submission of the same parameters.</summary>
    public CreateFormModel Copy()
    {
        var copy = (CreateFormModel)MemberwiseClone();
        copy.IdempotencyKey = NewKey();
        copy.Loras = [.. Loras.Select(l => l.Copy())];
        return copy;
    }

    public void RenewKey() => IdempotencyKey = NewKey();

    /// <summary>Adds <paramref name="name"/> at the default weight, unless it is picked already or the job holds its most.</summary>
    public bool PickLora(string name)
    {
        if (Loras.Count >= GenerationSpec.MaxLoras || Loras.Exists(l => string.Equals(l.Name, name, StringComparison.OrdinalIgnoreCase)))
        {
            return false;
        }

        Loras.Add(new LoraPick { Name = name });
        return true;
    }

    /// <summary>Appends <paramref name="words"/> to the prompt (comma-separated), unless the prompt holds them already.</summary>
    public void AddToPrompt(string? words)
    {
        var text = words?.Trim();
        if (string.IsNullOrEmpty(text) || Prompt.Contains(text, StringComparison.OrdinalIgnoreCase))
        {
            return;
        }

        var prompt = Prompt.TrimEnd();
        Prompt = prompt.Length == 0 ? text : $"{prompt.TrimEnd(',')}, {text}";
    }

    /// <summary>The spec this form describes; a negative seed becomes one over the spec's ceiling, refused on the seed field.</summary>
    public GenerationSpec ToSpec() => new()
    {
        Prompt = Prompt,
        NegativePrompt = NegativePrompt,
        Model = Model,
        Scheduler = Scheduler,
        Steps = Steps,
        GuidanceScale = GuidanceScale,
        Width = Width,
        Height = Height,
        BatchSize = BatchSize,
        Seed = RandomSeed || Seed is null ? null : unchecked((ulong)Seed.Value),
        PromptSyntax = PromptSyntax,
        InitImageId = Mode == GenerationMode.TextToImage ? null : InitImageId,
        Strength = Strength,
        MaskImageId = Mode == GenerationMode.Inpaint && InitImageId is not null ? MaskImageId : null,
        MaskBlur = MaskBlur,
        InvertMask = InvertMask,
        InpaintFill = InpaintFill,
        InpaintOnlyMasked = InpaintOnlyMasked,
        OnlyMaskedPadding = OnlyMaskedPadding,
        Loras = Loras.Count == 0 ? null : [.. Loras.Select(l => l.ToUse())],
    };

    private static bool IsValidSide(int side) =>
        side is >= GenerationSpec.MinSize and <= GenerationSpec.MaxSize && side % GenerationSpec.SizeMultiple == 0;

    private static string NewKey() => Guid.NewGuid().ToString("N");
}
