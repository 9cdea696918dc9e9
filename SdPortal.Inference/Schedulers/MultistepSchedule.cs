namespace SdPortal.Inference.Schedulers;

/// <summary>
/// The schedule of diffusers' DPMSolverMultistep and UniPCMultistep: integer timesteps from N + 1 spaced points
/// with σ_k = interp(t_k, σ-table), or Karras sigmas (ρ = 7 between the table's σ_min and σ_max) whose timesteps are
/// the rounded inverse interpolation of ln σ. A final σ = 0 follows (final_sigmas_type "zero").
/// </summary>
internal sealed class MultistepSchedule
{
    private MultistepSchedule(double[] timesteps, double[] sigmas)
    {
        Timesteps = timesteps;
        Sigmas = sigmas;
    }

    /// <summary>t_0..t_{N−1}.</summary>
    public double[] Timesteps { get; }

    /// <summary>σ_0..σ_{N−1}, 0 (float32 values).</summary>
    public double[] Sigmas { get; }

    /// <summary>Builds the schedule for <paramref name="steps"/> steps.</summary>
    public static MultistepSchedule Create(string scheduler, ResolvedSchedulerConfig config, int steps, bool karras)
    {
        StepCount.Validate(scheduler, steps, config.NumTrainTimesteps);
        var table = SigmaMath.Table(NoiseSchedule.For(config));
        if (!karras)
        {
            var timesteps = TimestepSchedules.Multistep(config, steps);
            return new MultistepSchedule(timesteps, SigmaMath.Interpolated(table, timesteps));
        }

        var logTable = SigmaMath.LogTable(table);
        var karrasSigmas = SigmaMath.Karras(table[0], table[^1], steps);
        var karrasTimesteps = new double[steps];
        var sigmas = new double[steps + 1];
        for (var k = 0; k < steps; k++)
        {
            var t = SigmaMath.SigmaToTimestep(karrasSigmas[k], logTable);
            karrasTimesteps[k] = config.BetaSchedule == BetaSchedule.SquaredCosCapV2 ? t : NumPyCompat.Round(t);
            sigmas[k] = (float)karrasSigmas[k];
        }

        return new MultistepSchedule(karrasTimesteps, sigmas);
    }
}
