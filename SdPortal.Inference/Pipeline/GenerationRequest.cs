using System.Text.Json.Serialization;
using SdPortal.Inference.Schedulers;

namespace SdPortal.Inference.Pipeline;

/// <summary>One text-to-image job: everything that determines its images. Check it with <see cref="Validate"/>.</summary>
public sealed record GenerationRequest
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

    /// <summary>What to draw.</summary>
    public required string Prompt { get; init; }

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

    /// <summary>
    /// Standard-normal starting noise [BatchSize, channels, Height/8, Width/8] in C order, replacing the seeded draw
    /// (it is still multiplied by the scheduler's initial sigma, as diffusers does with user latents).
    /// </summary>
    [JsonIgnore]
    public ReadOnlyMemory<float>? InitialLatents { get; init; }

    /// <summary>Whether <see cref="InitialLatents"/> overrides the seeded noise.</summary>
    public bool HasInitialLatents => InitialLatents is not null;

    /// <summary>The number of latent values <see cref="InitialLatents"/> must hold.</summary>
    public long LatentLength(int latentChannels) =>
        (long)BatchSize * latentChannels * (Height / SizeMultiple) * (Width / SizeMultiple);

    /// <summary>Lists every invalid field; empty when the request can run.</summary>
    /// <param name="latentChannels">The model's latent channels, for checking <see cref="InitialLatents"/>.</param>
    public IReadOnlyList<GenerationFieldError> Validate(int latentChannels = 4)
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

        var sizeValid = CheckSize(errors, "width", Width) & CheckSize(errors, "height", Height);
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

    /// <summary>
    /// <paramref name="name"/> quoted for a message, or described by its length when it is too long or holds control
    /// characters: an error never echoes a megabyte, or a forged log line, back to the caller and the logs.
    /// </summary>
    public static string Quote(string? name) =>
        name is null ? "(none)"
        : name.Length <= MaxQuotedNameLength && !name.Any(char.IsControl) ? $"'{name}'"
        : $"a name of {name.Length} characters";

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

    private static bool CheckSize(List<GenerationFieldError> errors, string field, int value)
    {
        if (value is >= MinSize and <= MaxSize && value % SizeMultiple == 0)
        {
            return true;
        }

        errors.Add(new(field, $"must be a multiple of {SizeMultiple} within {MinSize}…{MaxSize}, not {value}"));
        return false;
    }
}
