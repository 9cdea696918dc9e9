namespace SdPortal.Inference.Schedulers;

/// <summary>
/// A model's scheduler_config.json. Settings the file leaves out (or lists under <c>_use_default_values</c>) stay null
/// where diffusers' scheduler classes disagree on the default (β range and schedule, timestep spacing, clipping,
/// set_alpha_to_one): each scheduler then applies its own class default, as diffusers' <c>from_config</c> does.
/// Keys no scheduler here reads (trained_betas, thresholding, rescale_betas_zero_snr, use_karras_sigmas, …) are ignored;
/// the Karras variant is chosen by scheduler name.
/// </summary>
public sealed record SchedulerConfig
{
    /// <summary>T, the number of training timesteps (num_train_timesteps, default 1000).</summary>
    public int NumTrainTimesteps { get; init; } = 1000;

    /// <summary>β at the first training timestep (beta_start), or null for the scheduler's default.</summary>
    public double? BetaStart { get; init; }

    /// <summary>β at the last training timestep (beta_end), or null for the scheduler's default.</summary>
    public double? BetaEnd { get; init; }

    /// <summary>The β layout (beta_schedule), or null for the scheduler's default.</summary>
    public BetaSchedule? BetaSchedule { get; init; }

    /// <summary>What the model predicts (prediction_type, default epsilon).</summary>
    public PredictionType PredictionType { get; init; } = PredictionType.Epsilon;

    /// <summary>Added to every "leading" timestep (steps_offset, default 0; SD 1.5 uses 1).</summary>
    public int StepsOffset { get; init; }

    /// <summary>Whether the step past t = 0 uses ᾱ = 1 instead of ᾱ₀ (set_alpha_to_one), or null for the default.</summary>
    public bool? SetAlphaToOne { get; init; }

    /// <summary>Whether x₀ estimates are clamped to ±<see cref="ClipSampleRange"/> (clip_sample), or null for the default.</summary>
    public bool? ClipSample { get; init; }

    /// <summary>The clamp bound used with <see cref="ClipSample"/> (clip_sample_range, default 1).</summary>
    public double ClipSampleRange { get; init; } = 1.0;

    /// <summary>How inference timesteps are spaced (timestep_spacing), or null for the scheduler's default.</summary>
    public TimestepSpacing? TimestepSpacing { get; init; }

    /// <summary>PNDM: skip the Runge–Kutta warm-up and run PLMS only (skip_prk_steps, default false).</summary>
    public bool SkipPrkSteps { get; init; }

    /// <summary>Reads a scheduler_config.json file.</summary>
    /// <exception cref="FormatException">A known key has a value of the wrong type or an unsupported value.</exception>
    public static SchedulerConfig Load(string path) => Parse(File.ReadAllText(path));

    /// <summary>Parses the text of a scheduler_config.json.</summary>
    /// <exception cref="FormatException">A known key has a value of the wrong type or an unsupported value.</exception>
    public static SchedulerConfig Parse(string json) => SchedulerConfigJson.Parse(json);

    /// <summary>This configuration with another prediction type (e.g. v_prediction for an SD 2.x 768 model).</summary>
    public SchedulerConfig WithPrediction(PredictionType predictionType) => this with { PredictionType = predictionType };

    /// <summary>Fills the unset settings from a scheduler class's defaults.</summary>
    internal ResolvedSchedulerConfig Resolve(SchedulerClassDefaults defaults) => new(
        NumTrainTimesteps,
        BetaStart ?? defaults.BetaStart,
        BetaEnd ?? defaults.BetaEnd,
        BetaSchedule ?? defaults.BetaSchedule,
        PredictionType,
        StepsOffset,
        SetAlphaToOne ?? defaults.SetAlphaToOne,
        ClipSample ?? defaults.ClipSample,
        ClipSampleRange,
        TimestepSpacing ?? defaults.TimestepSpacing,
        SkipPrkSteps);
}
