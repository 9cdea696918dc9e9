namespace SdPortal.Inference.Schedulers;

/// <summary>
/// PNDM's call plan (diffusers' PNDMScheduler.set_timesteps). With ascending spaced timesteps τ₀ &lt; … &lt; τ_{N−1}:
/// PLMS only: τ_{N−1}, τ_{N−2}, τ_{N−2}, τ_{N−3}, …, τ₀ (the warm-up evaluates twice).
/// With pseudo Runge–Kutta: 12 calls, four for each of the top three steps t → t' (at t, t' + ⌊δ/2⌋ twice, t';
/// δ = ⌊T/N⌋), then PLMS from τ_{N−4} down.
/// </summary>
internal sealed class PndmTimesteps
{
    private PndmTimesteps(double[] timesteps, int rungeKuttaCalls, int stride)
    {
        Timesteps = timesteps;
        RungeKuttaCalls = rungeKuttaCalls;
        Stride = stride;
    }

    /// <summary>The timestep of every model call.</summary>
    public double[] Timesteps { get; }

    /// <summary>How many leading calls are Runge–Kutta stages (0 with skip_prk_steps).</summary>
    public int RungeKuttaCalls { get; }

    /// <summary>Whether the plan starts with Runge–Kutta steps.</summary>
    public bool HasRungeKutta => RungeKuttaCalls > 0;

    /// <summary>δ = ⌊T/N⌋, the step every transfer takes.</summary>
    public int Stride { get; }

    /// <summary>Plans <paramref name="steps"/> steps.</summary>
    public static PndmTimesteps Create(ResolvedSchedulerConfig config, int steps)
    {
        StepCount.Validate("PNDM", steps, config.NumTrainTimesteps);
        var descending = TimestepSchedules.Integer(config, steps);
        var n = descending.Length;
        var stride = config.NumTrainTimesteps / steps;
        if (config.SkipPrkSteps)
        {
            // τ_{N−1}, then τ_{N−2} twice, then the rest: concat(τ[:-1], τ[-2:-1], τ[-1:]) reversed.
            var plms = new double[n == 1 ? 1 : n + 1];
            plms[0] = descending[0];
            for (var k = 1; k < n; k++)
            {
                plms[k + 1] = descending[k];
            }

            if (n > 1)
            {
                plms[1] = descending[1];
            }

            return new PndmTimesteps(plms, 0, stride);
        }

        if (n < 4)
        {
            throw new ArgumentOutOfRangeException(
                nameof(steps), steps, "PNDM with Runge–Kutta warm-up (skip_prk_steps false) needs at least 4 steps.");
        }

        // For each of the top three timesteps t with next timestep t': t, t' + ⌊δ/2⌋, t' + ⌊δ/2⌋, t' (diffusers'
        // prk_timesteps; the midpoint is taken from below, which differs from t − ⌊δ/2⌋ when δ is odd).
        var half = stride / 2;
        var timesteps = new double[12 + (n - 3)];
        for (var s = 0; s < 3; s++)
        {
            var next = descending[s + 1];
            timesteps[(4 * s) + 0] = descending[s];
            timesteps[(4 * s) + 1] = next + half;
            timesteps[(4 * s) + 2] = next + half;
            timesteps[(4 * s) + 3] = next;
        }

        for (var k = 3; k < n; k++)
        {
            timesteps[12 + (k - 3)] = descending[k];
        }

        return new PndmTimesteps(timesteps, 12, stride);
    }
}
