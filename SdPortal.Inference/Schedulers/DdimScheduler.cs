namespace SdPortal.Inference.Schedulers;

/// <summary>
/// DDIM (Song et al. 2021) with η = 0, diffusers' DDIMScheduler: deterministic, one model call per step.
/// Like diffusers, each step goes from t to t − ⌊T/N⌋ whatever the spacing, using ᾱ₀ (or 1 with set_alpha_to_one)
/// past t = 0.
/// </summary>
public sealed class DdimScheduler : DiffusionSchedulerBase
{
    private readonly ResolvedSchedulerConfig _config;
    private readonly NoiseSchedule _schedule;
    private readonly int _stride;

    /// <summary>Creates the schedule for <paramref name="steps"/> steps (diffusers' DDIM defaults: leading spacing).</summary>
    public DdimScheduler(SchedulerConfig config, int steps)
        : this(config.Resolve(SchedulerClassDefaults.Ddim), steps)
    {
    }

    private DdimScheduler(ResolvedSchedulerConfig config, int steps)
        : base("DDIM", Validated(config, steps), null, 1f, false)
    {
        _config = config;
        _schedule = NoiseSchedule.For(config);
        _stride = config.NumTrainTimesteps / steps;
    }

    private protected override NoiseLevel NoiseLevelAt(int stepIndex) => NoiseLevel.Ddpm(_schedule, (int)TimestepValues[stepIndex]);

    private protected override void StepCore(ReadOnlySpan<float> modelOutput, int stepIndex, Span<float> sample, Span<float> predictedOriginal)
    {
        var t = (int)TimestepValues[stepIndex];
        var alphaProd = _schedule.AlphaCumprod(t);
        var alphaProdPrev = _schedule.AlphaCumprodOrFinal(t - _stride, _config.SetAlphaToOne);
        var a = MathF.Sqrt(alphaProd);                  // √ᾱ_t
        var b = MathF.Sqrt(1f - alphaProd);             // √(1 − ᾱ_t)
        var aPrev = MathF.Sqrt(alphaProdPrev);          // √ᾱ_{t−Δ}
        var direction = MathF.Sqrt(1f - alphaProdPrev); // √(1 − ᾱ_{t−Δ} − σ_t²), σ_t = 0 for η = 0
        var clip = _config.ClipSample;
        var range = (float)_config.ClipSampleRange;
        var prediction = _config.PredictionType;
        for (var i = 0; i < sample.Length; i++)
        {
            var x = sample[i];
            var x0 = ModelOutputConversion.VpOriginal(prediction, modelOutput[i], x, a, b);
            var eps = ModelOutputConversion.VpEpsilon(prediction, modelOutput[i], x, a, b);
            if (clip)
            {
                x0 = Math.Clamp(x0, -range, range);
            }

            predictedOriginal[i] = x0;
            sample[i] = (aPrev * x0) + (direction * eps); // Song et al. eq. 12: x_{t−Δ} = √ᾱ_{t−Δ}·x₀ + √(1 − ᾱ_{t−Δ})·ε
        }
    }

    private static double[] Validated(ResolvedSchedulerConfig config, int steps)
    {
        StepCount.Validate("DDIM", steps, config.NumTrainTimesteps);
        return TimestepSchedules.Integer(config, steps);
    }
}
