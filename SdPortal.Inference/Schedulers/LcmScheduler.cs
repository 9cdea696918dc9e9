using SdPortal.Inference.Noise;

namespace SdPortal.Inference.Schedulers;

/// <summary>
/// Latent consistency model sampling (Luo et al. 2023), diffusers' LCMScheduler: each call maps the sample straight to
/// a clean estimate with the consistency boundary condition, then (except on the last step) re-noises it to the next
/// timestep. With s = 10·t (timestep_scaling) and σ_data = 0.5: c_skip = σ_data²/(s² + σ_data²),
/// c_out = s/√(s² + σ_data²), denoised = c_out·x₀ + c_skip·x, x_next = √ᾱ_next·denoised + √(1 − ᾱ_next)·z.
/// The timesteps are N of the 50 distillation timesteps (original_inference_steps), so N ≤ 50.
/// predictedOriginal receives the denoised estimate (diffusers' "denoised").
/// </summary>
public sealed class LcmScheduler : DiffusionSchedulerBase
{
    /// <summary>The distillation schedule length (original_inference_steps).</summary>
    public const int OriginalInferenceSteps = 50;

    /// <summary>The factor from timestep to consistency time (timestep_scaling).</summary>
    public const double TimestepScaling = 10.0;

    private const double SigmaData = 0.5;

    private readonly ResolvedSchedulerConfig _config;
    private readonly NoiseSchedule _schedule;
    private readonly INoiseSource _noise;
    private float[]? _noiseBuffer;

    /// <summary>Creates the schedule for <paramref name="steps"/> steps, drawing its noise from <paramref name="noise"/>.</summary>
    public LcmScheduler(SchedulerConfig config, int steps, INoiseSource noise)
        : this(config.Resolve(SchedulerClassDefaults.Lcm), steps, noise)
    {
    }

    private LcmScheduler(ResolvedSchedulerConfig config, int steps, INoiseSource noise)
        : base("LCM", PlanTimesteps(config, steps), null, 1f, true)
    {
        ArgumentNullException.ThrowIfNull(noise);
        _config = config;
        _schedule = NoiseSchedule.For(config);
        _noise = noise;
    }

    private protected override NoiseLevel NoiseLevelAt(int stepIndex) => NoiseLevel.Ddpm(_schedule, (int)TimestepValues[stepIndex]);

    private protected override void StepCore(ReadOnlySpan<float> modelOutput, int stepIndex, Span<float> sample, Span<float> predictedOriginal)
    {
        var t = (int)TimestepValues[stepIndex];
        var last = stepIndex == TimestepValues.Length - 1;
        var tPrev = last ? t : (int)TimestepValues[stepIndex + 1];
        var alphaProd = _schedule.AlphaCumprod(t);
        var alphaProdPrev = _schedule.AlphaCumprodOrFinal(tPrev, _config.SetAlphaToOne);
        var a = MathF.Sqrt(alphaProd);
        var b = MathF.Sqrt(1f - alphaProd);
        var scaled = t * TimestepScaling;                                                    // s = 10·t
        var cSkip = (float)(SigmaData * SigmaData / ((scaled * scaled) + (SigmaData * SigmaData))); // σ_d²/(s² + σ_d²)
        var cOut = (float)(scaled / Math.Sqrt((scaled * scaled) + (SigmaData * SigmaData)));       // s/√(s² + σ_d²)
        var clip = _config.ClipSample;
        var range = (float)_config.ClipSampleRange;
        Span<float> noise = default;
        if (!last)
        {
            noise = Buffer(ref _noiseBuffer, sample.Length);
            _noise.NextGaussian(noise);
        }

        var aPrev = MathF.Sqrt(alphaProdPrev);
        var bPrev = MathF.Sqrt(1f - alphaProdPrev);
        for (var i = 0; i < sample.Length; i++)
        {
            var x = sample[i];
            var x0 = ModelOutputConversion.VpOriginal(_config.PredictionType, modelOutput[i], x, a, b);
            if (clip)
            {
                x0 = Math.Clamp(x0, -range, range);
            }

            var denoised = (cOut * x0) + (cSkip * x);
            predictedOriginal[i] = denoised;
            sample[i] = last ? denoised : (aPrev * denoised) + (bPrev * noise[i]);
        }
    }

    // The distillation timesteps k·⌊T/50⌋ − 1 (k = 50..1), of which indices ⌊linspace(0, 50, N, endpoint: false)⌋.
    private static double[] PlanTimesteps(ResolvedSchedulerConfig config, int steps)
    {
        StepCount.Validate(
            "LCM", steps, config.NumTrainTimesteps, OriginalInferenceSteps, $"LCM samples {OriginalInferenceSteps} distillation timesteps at most");
        var skip = config.NumTrainTimesteps / OriginalInferenceSteps;
        var indices = NumPyCompat.Linspace(0, OriginalInferenceSteps, steps, endpoint: false);
        var timesteps = new double[steps];
        for (var k = 0; k < steps; k++)
        {
            var index = (int)Math.Floor(indices[k]);
            timesteps[k] = ((OriginalInferenceSteps - index) * skip) - 1;
        }

        return timesteps;
    }
}
