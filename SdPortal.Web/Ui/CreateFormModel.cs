using System.Globalization;
using SdPortal.Data.Generation;
using SdPortal.Inference.Pipeline;
using SdPortal.Web.Generation;

namespace SdPortal.Web.Ui;

/// <summary>
/// What the Create form edits. <see cref="IdempotencyKey"/> names this form's submission: the submitter accepts at most
/// one job under it (R9), and a new key is drawn once that job is accepted.
/// </summary>
public sealed class CreateFormModel
{
    public const string CustomSize = "custom";

    /// <summary>Sizes people pick most; anything else is <see cref="CustomSize"/>.</summary>
    public static readonly IReadOnlyList<(int Width, int Height)> SizePresets =
        [(256, 256), (512, 512), (512, 768), (768, 512), (768, 768), (1024, 1024)];

    public string Prompt { get; set; } = string.Empty;

    public string NegativePrompt { get; set; } = string.Empty;

    public string? Model { get; set; }

    public string Scheduler { get; set; } = GenerationSpec.DefaultScheduler;

    public int Steps { get; set; } = 20;

    public double GuidanceScale { get; set; } = 7.5;

    public int Width { get; set; } = 512;

    public int Height { get; set; } = 512;

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

    public int BatchSize { get; set; } = 1;

    public string IdempotencyKey { get; private set; } = NewKey();

    public static string PresetKey(int width, int height) => string.Create(CultureInfo.InvariantCulture, $"{width}x{height}");

    /// <summary>Why a width or height cannot run (the engine's rule), or null when both can.</summary>
    public static string? SizeError(int width, int height) =>
        IsValidSide(width) && IsValidSide(height)
            ? null
            : $"Width and height must be multiples of {GenerationSpec.SizeMultiple} within {GenerationSpec.MinSize}…{GenerationSpec.MaxSize}.";

    /// <summary>The form of a job's parameters, for "reuse"; <paramref name="seed"/> fixes the seed (e.g. one image's).</summary>
    public static CreateFormModel FromJob(GenerationJob job, long? seed) => new()
    {
        Prompt = job.Prompt,
        NegativePrompt = job.NegativePrompt ?? string.Empty,
        Model = job.Model,
        Scheduler = job.Scheduler,
        Steps = job.Steps,
        GuidanceScale = job.GuidanceScale,
        Width = job.Width,
        Height = job.Height,
        BatchSize = job.BatchSize,
        RandomSeed = (seed ?? job.Seed) is null,
        Seed = seed ?? job.Seed,
    };

    /// <summary>A copy with a fresh idempotency key: a new submission of the same parameters.</summary>
    public CreateFormModel Copy()
    {
        var copy = (CreateFormModel)MemberwiseClone();
        copy.IdempotencyKey = NewKey();
        return copy;
    }

    public void RenewKey() => IdempotencyKey = NewKey();

    public SubmitGenerationRequest ToRequest() => new(
        Prompt, NegativePrompt, Model, Scheduler, Steps, GuidanceScale, Width, Height, RandomSeed ? null : Seed, BatchSize);

    private static bool IsValidSide(int side) =>
        side is >= GenerationSpec.MinSize and <= GenerationSpec.MaxSize && side % GenerationSpec.SizeMultiple == 0;

    private static string NewKey() => Guid.NewGuid().ToString("N");
}
