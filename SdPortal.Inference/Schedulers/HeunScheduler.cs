namespace SdPortal.Inference.Schedulers;

/// <summary>
/// Heun's second-order method (Karras et al. 2022, Algorithm 1 without churn), diffusers' HeunDiscreteScheduler.
/// Each step σ_i → σ_{i+1} takes two model calls: an Euler predictor with d_i = (x_i − x₀)/σ_i, then at the predicted
/// point d'_i = (x' − x₀')/σ_{i+1} and x_{i+1} = x_i + (σ_{i+1} − σ_i)·(d_i + d'_i)/2. The step to σ = 0 is Euler only,
/// so N steps make 2N − 1 calls; Timesteps and Sigmas repeat every entry after the first.
/// </summary>
public sealed class HeunScheduler : DiffusionSchedulerBase
{
    private readonly ResolvedSchedulerConfig _config;
    private float[]? _firstDerivative;
    private float[]? _startSample;
    private float _dt;
    private bool _secondCallPending;

    /// <summary>Creates the schedule for <paramref name="steps"/> steps (diffusers' Heun defaults: linspace spacing).</summary>
    public HeunScheduler(SchedulerConfig config, int steps)
        : this(config.Resolve(SchedulerClassDefaults.Heun), steps)
    {
    }

    private HeunScheduler(ResolvedSchedulerConfig config, int steps)
        : this(config, DiscreteSigmaSchedule.Create("Heun", config, steps))
    {
    }

    private HeunScheduler(ResolvedSchedulerConfig config, DiscreteSigmaSchedule schedule)
        : base("Heun", Doubled(schedule.Timesteps, 0), Doubled(schedule.Sigmas, 1), schedule.InitNoiseSigma, false) =>
        _config = config;

    /// <inheritdoc />
    public override int Order => 2;

    private protected override void ResetHistory() => _secondCallPending = false;

    private protected override NoiseLevel NoiseLevelAt(int stepIndex) => NoiseLevel.VarianceExploding((float)SigmaValues![stepIndex]);

    private protected override void ScaleModelInputCore(ReadOnlySpan<float> sample, int stepIndex, Span<float> destination) =>
        SigmaInputScaling.Scale(sample, (float)SigmaValues![stepIndex], destination);

    private protected override void StepCore(ReadOnlySpan<float> modelOutput, int stepIndex, Span<float> sample, Span<float> predictedOriginal)
    {
        var length = sample.Length;
        var derivative = Buffer(ref _firstDerivative, length);
        var start = Buffer(ref _startSample, length);
        var first = !_secondCallPending;
        var sigma = (float)SigmaValues![first ? stepIndex : stepIndex - 1];
        var sigmaNext = (float)SigmaValues[first ? stepIndex + 1 : stepIndex];
        var c = new ModelOutputConversion.VeCoefficients(first ? sigma : sigmaNext);
        var clip = _config.ClipSample;
        var range = (float)_config.ClipSampleRange;
        if (first)
        {
            _dt = sigmaNext - sigma;
        }

        for (var i = 0; i < length; i++)
        {
            var x = sample[i];
            var x0 = ModelOutputConversion.VeOriginal(_config.PredictionType, modelOutput[i], x, c);
            if (clip)
            {
                x0 = Math.Clamp(x0, -range, range);
            }

            predictedOriginal[i] = x0;
            if (first)
            {
                var d = (x - x0) / sigma;                 // d_i = (x_i − x₀)/σ_i
                derivative[i] = d;
                start[i] = x;
                sample[i] = x + (d * _dt);                // Euler predictor x' = x_i + (σ_{i+1} − σ_i)·d_i
            }
            else
            {
                var d = (x - x0) / sigmaNext;             // d'_i = (x' − x₀')/σ_{i+1}
                d = (derivative[i] + d) / 2;              // (d_i + d'_i)/2
                sample[i] = start[i] + (d * _dt);         // x_{i+1} = x_i + (σ_{i+1} − σ_i)·(d_i + d'_i)/2
            }
        }

        _secondCallPending = first;
    }

    // [v_0, v_1, v_1, …, v_{n−1−tail}, v_{n−1−tail}, tail values once]: every entry after the first doubled, except the
    // last `tail` ones (the final σ = 0).
    private static double[] Doubled(double[] values, int tail)
    {
        var doubledCount = values.Length - 1 - tail;
        var result = new double[1 + (2 * doubledCount) + tail];
        result[0] = values[0];
        for (var k = 1; k <= doubledCount; k++)
        {
            result[(2 * k) - 1] = values[k];
            result[2 * k] = values[k];
        }

        for (var k = 0; k < tail; k++)
        {
            result[result.Length - tail + k] = values[values.Length - tail + k];
        }

        return result;
    }
}
