namespace SdPortal.Inference.Schedulers;

/// <summary>
/// Linear multistep (order 4) on dx/dσ = (x − x₀)/σ, diffusers' LMSDiscreteScheduler (k-diffusion's sample_lms):
/// x_{i+1} = x_i + Σ_{k&lt;p} c_k·d_{i−k}, p = min(i + 1, 4), with the Lagrange weights c_k of
/// <see cref="LmsCoefficients"/> (Gauss–Legendre, computed per step without allocating). One model call per step.
/// A run begun at step b &gt; 0 keeps diffusers' p = min(i + 1, 4) and sums only the derivatives it has.
/// </summary>
public sealed class LmsScheduler : DiffusionSchedulerBase
{
    /// <summary>The order of the multistep formula.</summary>
    public const int HistoryLength = 4;

    private readonly PredictionType _prediction;
    private readonly float[]?[] _derivatives = new float[]?[HistoryLength];
    private int _newest = -1;
    private int _count;

    /// <summary>Creates the schedule for <paramref name="steps"/> steps (diffusers' LMS defaults: linspace spacing).</summary>
    public LmsScheduler(SchedulerConfig config, int steps)
        : this(config.Resolve(SchedulerClassDefaults.KarrasStyle), steps)
    {
    }

    private LmsScheduler(ResolvedSchedulerConfig config, int steps)
        : this(config, DiscreteSigmaSchedule.Create("LMS", config, steps))
    {
    }

    private LmsScheduler(ResolvedSchedulerConfig config, DiscreteSigmaSchedule schedule)
        : base("LMS", schedule.Timesteps, schedule.Sigmas, schedule.InitNoiseSigma, false)
    {
        _prediction = config.PredictionType;
    }

    private protected override void ResetHistory()
    {
        _newest = -1;
        _count = 0;
    }

    private protected override NoiseLevel NoiseLevelAt(int stepIndex) => NoiseLevel.VarianceExploding((float)SigmaValues![stepIndex]);

    private protected override void ScaleModelInputCore(ReadOnlySpan<float> sample, int stepIndex, Span<float> destination) =>
        SigmaInputScaling.Scale(sample, (float)SigmaValues![stepIndex], destination);

    private protected override void StepCore(ReadOnlySpan<float> modelOutput, int stepIndex, Span<float> sample, Span<float> predictedOriginal)
    {
        var sigma = (float)SigmaValues![stepIndex];
        var c = new ModelOutputConversion.VeCoefficients(sigma);
        _newest = (_newest + 1) % HistoryLength;
        _count = Math.Min(_count + 1, HistoryLength);
        Buffers(_derivatives, sample.Length);
        var derivative = _derivatives[_newest]!;
        for (var i = 0; i < sample.Length; i++)
        {
            var x0 = ModelOutputConversion.VeOriginal(_prediction, modelOutput[i], sample[i], c);
            predictedOriginal[i] = x0;
            derivative[i] = (sample[i] - x0) / sigma; // d_i = (x_i − x₀)/σ_i
        }

        // diffusers: p = min(step_index + 1, 4) from the absolute step index, and the sum zips the p weights with the
        // derivatives kept since the run began, newest first, so it stops at the shorter list. From step 0 both have
        // p entries; a run begun later (image-to-image) uses the leading weights of the full order-p formula with the
        // few derivatives it has (not a lower-order formula), as diffusers' LMSDiscreteScheduler does.
        var order = Math.Min(stepIndex + 1, HistoryLength);
        var terms = Math.Min(order, _count);
        Span<double> weights = stackalloc double[HistoryLength];
        LmsCoefficients.Compute(SigmaValues, stepIndex, order, weights);
        var c0 = (float)weights[0];
        var c1 = terms > 1 ? (float)weights[1] : 0f;
        var c2 = terms > 2 ? (float)weights[2] : 0f;
        var c3 = terms > 3 ? (float)weights[3] : 0f;
        var d0 = derivative;
        var d1 = terms > 1 ? Derivative(1) : d0;
        var d2 = terms > 2 ? Derivative(2) : d0;
        var d3 = terms > 3 ? Derivative(3) : d0;
        for (var i = 0; i < sample.Length; i++)
        {
            // x_{i+1} = x_i + Σ c_k·d_{i−k}, summed newest first like diffusers
            var sum = c0 * d0[i];
            if (terms > 1)
            {
                sum += c1 * d1[i];
            }

            if (terms > 2)
            {
                sum += c2 * d2[i];
            }

            if (terms > 3)
            {
                sum += c3 * d3[i];
            }

            sample[i] += sum;
        }
    }

    private float[] Derivative(int age) => _derivatives[(_newest - age + HistoryLength) % HistoryLength]!;
}
