namespace SdPortal.Inference.Schedulers;

/// <summary>
/// The inference timesteps of diffusers' set_timesteps, descending, for T training timesteps and N steps:
/// <list type="bullet">
/// <item>leading: t_k = k·⌊T/N⌋ + steps_offset</item>
/// <item>linspace: linspace(0, T − 1, N) (rounded to integers by the integer-time schedulers)</item>
/// <item>trailing: round(arange(T, 0, −T/N)) − 1</item>
/// </list>
/// </summary>
internal static class TimestepSchedules
{
    /// <summary>DDIM's (and, ascending, PNDM's) integer timesteps.</summary>
    public static double[] Integer(ResolvedSchedulerConfig config, int steps)
    {
        var t = config.NumTrainTimesteps;
        switch (config.TimestepSpacing)
        {
            case TimestepSpacing.Leading:
                return Leading(t / steps, steps, config.StepsOffset, steps);
            case TimestepSpacing.Linspace:
                var points = NumPyCompat.Linspace(0, t - 1, steps);
                var result = new double[steps];
                for (var k = 0; k < steps; k++)
                {
                    result[k] = NumPyCompat.Round(points[steps - 1 - k]);
                }

                return result;
            default:
                return Trailing(t, t, steps);
        }
    }

    /// <summary>Euler, Euler a, Heun and LMS timesteps: float32 values, linspace ones not rounded.</summary>
    public static double[] Float32(ResolvedSchedulerConfig config, int steps)
    {
        var t = config.NumTrainTimesteps;
        switch (config.TimestepSpacing)
        {
            case TimestepSpacing.Linspace:
                var points = NumPyCompat.Linspace(0, t - 1, steps);
                var result = new double[steps];
                for (var k = 0; k < steps; k++)
                {
                    result[k] = (float)points[steps - 1 - k];
                }

                return result;
            case TimestepSpacing.Leading:
                return Leading(t / steps, steps, config.StepsOffset, steps);
            default:
                return Trailing(t, t, steps);
        }
    }

    /// <summary>DPM-Solver++ and UniPC timesteps: N + 1 points are spaced and the last one (t = 0) is dropped.</summary>
    public static double[] Multistep(ResolvedSchedulerConfig config, int steps)
    {
        var t = config.NumTrainTimesteps;
        switch (config.TimestepSpacing)
        {
            case TimestepSpacing.Linspace:
                var points = NumPyCompat.Linspace(0, t - 1, steps + 1);
                var result = new double[steps];
                for (var k = 0; k < steps; k++)
                {
                    result[k] = NumPyCompat.Round(points[steps - k]);
                }

                return result;
            case TimestepSpacing.Leading:
                return Leading(t / (steps + 1), steps + 1, config.StepsOffset, steps);
            default:
                return Trailing(t, t, steps);
        }
    }

    // The first `count` of (points − 1)·ratio, …, ratio, 0, each plus offset.
    private static double[] Leading(int ratio, int points, int offset, int count)
    {
        var result = new double[count];
        for (var k = 0; k < count; k++)
        {
            result[k] = ((points - 1 - k) * ratio) + offset;
        }

        return result;
    }

    // round(arange(start, 0, −T/N)) − 1. For a few N (61, 103, 121, 122 with T = 1000) NumPy's arange yields one more
    // point, ~1e-12, that diffusers turns into timestep −1; that point is dropped here, leaving N timesteps.
    private static double[] Trailing(int start, int trainTimesteps, int steps)
    {
        var points = NumPyCompat.Arange(start, 0, -(double)trainTimesteps / steps);
        var count = points.Length;
        while (count > 1 && NumPyCompat.Round(points[count - 1]) < 1)
        {
            count--;
        }

        var result = new double[count];
        for (var k = 0; k < count; k++)
        {
            result[k] = NumPyCompat.Round(points[k]) - 1;
        }

        return result;
    }
}
