namespace SdPortal.Inference.Schedulers;

/// <summary>
/// Euler's method on the probability-flow ODE dx/dσ = (x − x₀)/σ (Karras et al. 2022, Algorithm 2 without churn),
/// diffusers' EulerDiscreteScheduler: x_{i+1} = x_i + (σ_{i+1} − σ_i)·(x_i − x₀)/σ_i. One model call per step.
/// </summary>
public sealed class EulerScheduler : DiffusionSchedulerBase
{
    private readonly PredictionType _prediction;

    /// <summary>Creates the schedule for <paramref name="steps"/> steps (diffusers' Euler defaults: linspace spacing).</summary>
    public EulerScheduler(SchedulerConfig config, int steps)
        : this(config.Resolve(SchedulerClassDefaults.KarrasStyle), steps)
    {
    }

    private EulerScheduler(ResolvedSchedulerConfig config, int steps)
        : this(config, DiscreteSigmaSchedule.Create("Euler", config, steps))
    {
    }

    private EulerScheduler(ResolvedSchedulerConfig config, DiscreteSigmaSchedule schedule)
        : base("Euler", schedule.Timesteps, schedule.Sigmas, schedule.InitNoiseSigma, false) =>
        _prediction = config.PredictionType;

    private protected override NoiseLevel NoiseLevelAt(int stepIndex) => NoiseLevel.VarianceExploding((float)SigmaValues![stepIndex]);

    private protected override void ScaleModelInputCore(ReadOnlySpan<float> sample, int stepIndex, Span<float> destination) =>
        SigmaInputScaling.Scale(sample, (float)SigmaValues![stepIndex], destination);

    private protected override void StepCore(ReadOnlySpan<float> modelOutput, int stepIndex, Span<float> sample, Span<float> predictedOriginal)
    {
        var sigma = (float)SigmaValues![stepIndex];
        var dt = (float)SigmaValues[stepIndex + 1] - sigma;
        var c = new ModelOutputConversion.VeCoefficients(sigma);
        for (var i = 0; i < sample.Length; i++)
        {
            var x = sample[i];
            var x0 = ModelOutputConversion.VeOriginal(_prediction, modelOutput[i], x, c);
            var derivative = (x - x0) / sigma;   // d = (x − x₀)/σ
            predictedOriginal[i] = x0;
            sample[i] = x + (derivative * dt);   // x ← x + d·(σ_{i+1} − σ_i)
        }
    }
}
