namespace SdPortal.Inference.Schedulers;

/// <summary>
/// The schedule of the k-diffusion style discrete samplers (diffusers' Euler, Euler ancestral, Heun, LMS): float32
/// timesteps, σ_k = interp(t_k, σ-table) as float32 followed by σ_N = 0, and the initial noise scale σ_max
/// (linspace, trailing) or √(σ_max² + 1) (leading).
/// </summary>
internal sealed class DiscreteSigmaSchedule
{
    private DiscreteSigmaSchedule(double[] timesteps, double[] sigmas, float initNoiseSigma)
    {
        Timesteps = timesteps;
        Sigmas = sigmas;
        InitNoiseSigma = initNoiseSigma;
    }

    /// <summary>t_0..t_{N−1}.</summary>
    public double[] Timesteps { get; }

    /// <summary>σ_0..σ_{N−1}, 0.</summary>
    public double[] Sigmas { get; }

    /// <summary>The standard deviation of the initial latents.</summary>
    public float InitNoiseSigma { get; }

    /// <summary>Builds the schedule for <paramref name="steps"/> steps.</summary>
    public static DiscreteSigmaSchedule Create(string scheduler, ResolvedSchedulerConfig config, int steps)
    {
        StepCount.Validate(scheduler, steps, config.NumTrainTimesteps);
        var timesteps = TimestepSchedules.Float32(config, steps);
        var sigmas = SigmaMath.Interpolated(SigmaMath.Table(NoiseSchedule.For(config)), timesteps);
        var max = 0f;
        foreach (var sigma in sigmas)
        {
            max = Math.Max(max, (float)sigma);
        }

        var init = config.TimestepSpacing == TimestepSpacing.Leading ? MathF.Sqrt((max * max) + 1f) : max;
        return new DiscreteSigmaSchedule(timesteps, sigmas, init);
    }
}
