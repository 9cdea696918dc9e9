using SdPortal.Inference.Noise;

namespace SdPortal.Inference.Schedulers;

/// <summary>
/// Euler ancestral ("Euler a"), diffusers' EulerAncestralDiscreteScheduler (k-diffusion's sample_euler_ancestral, η = 1):
/// an Euler step down to σ_down, then fresh noise of standard deviation σ_up, where
/// σ_up = √(σ_{i+1}²·(σ_i² − σ_{i+1}²)/σ_i²) and σ_down = √(σ_{i+1}² − σ_up²).
/// </summary>
public sealed class EulerAncestralScheduler : DiffusionSchedulerBase
{
    private readonly PredictionType _prediction;
    private readonly INoiseSource _noise;
    private float[]? _noiseBuffer;

    /// <summary>Creates the schedule for <paramref name="steps"/> steps, drawing its noise from <paramref name="noise"/>.</summary>
    public EulerAncestralScheduler(SchedulerConfig config, int steps, INoiseSource noise)
        : this(config.Resolve(SchedulerClassDefaults.KarrasStyle), steps, noise)
    {
    }

    private EulerAncestralScheduler(ResolvedSchedulerConfig config, int steps, INoiseSource noise)
        : this(config, DiscreteSigmaSchedule.Create("Euler a", config, steps), noise)
    {
    }

    private EulerAncestralScheduler(ResolvedSchedulerConfig config, DiscreteSigmaSchedule schedule, INoiseSource noise)
        : base("Euler a", schedule.Timesteps, schedule.Sigmas, schedule.InitNoiseSigma, true)
    {
        ArgumentNullException.ThrowIfNull(noise);
        _prediction = config.PredictionType;
        _noise = noise;
    }

    private protected override NoiseLevel NoiseLevelAt(int stepIndex) => NoiseLevel.VarianceExploding((float)SigmaValues![stepIndex]);

    private protected override void ScaleModelInputCore(ReadOnlySpan<float> sample, int stepIndex, Span<float> destination) =>
        SigmaInputScaling.Scale(sample, (float)SigmaValues![stepIndex], destination);

    private protected override void StepCore(ReadOnlySpan<float> modelOutput, int stepIndex, Span<float> sample, Span<float> predictedOriginal)
    {
        var sigma = (float)SigmaValues![stepIndex];
        var sigmaTo = (float)SigmaValues[stepIndex + 1];
        var sigmaUp = MathF.Sqrt(sigmaTo * sigmaTo * ((sigma * sigma) - (sigmaTo * sigmaTo)) / (sigma * sigma));
        var sigmaDown = MathF.Sqrt((sigmaTo * sigmaTo) - (sigmaUp * sigmaUp));
        var dt = sigmaDown - sigma;
        var c = new ModelOutputConversion.VeCoefficients(sigma);
        Span<float> noise = default;
        if (sigmaUp > 0)
        {
            noise = Buffer(ref _noiseBuffer, sample.Length);
            _noise.NextGaussian(noise);
        }

        for (var i = 0; i < sample.Length; i++)
        {
            var x = sample[i];
            var x0 = ModelOutputConversion.VeOriginal(_prediction, modelOutput[i], x, c);
            var derivative = (x - x0) / sigma;       // d = (x − x₀)/σ
            var next = x + (derivative * dt);        // x ← x + d·(σ_down − σ)
            predictedOriginal[i] = x0;
            sample[i] = sigmaUp > 0 ? next + (noise[i] * sigmaUp) : next; // + σ_up·z
        }
    }
}
