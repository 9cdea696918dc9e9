namespace SdPortal.Inference.Schedulers;

/// <summary>
/// The variance-exploding view of the DDPM schedule (Karras et al. 2022): σ_t = √((1 − ᾱ_t)/ᾱ_t), and the sigma
/// schedules derived from it, computed the way diffusers computes them (float32 tables, float64 NumPy arithmetic).
/// </summary>
internal static class SigmaMath
{
    /// <summary>σ_t = √((1 − ᾱ_t)/ᾱ_t) for every training timestep, in float32 like diffusers' ((1 − ac)/ac) ** 0.5.</summary>
    public static double[] Table(NoiseSchedule schedule)
    {
        var sigmas = new double[schedule.Count];
        for (var t = 0; t < sigmas.Length; t++)
        {
            var alphaCumprod = schedule.AlphaCumprod(t);
            sigmas[t] = MathF.Sqrt((1f - alphaCumprod) / alphaCumprod);
        }

        return sigmas;
    }

    /// <summary>ln σ_t of the table, as float32 (np.log of a float32 array).</summary>
    public static double[] LogTable(double[] table)
    {
        var logs = new double[table.Length];
        for (var t = 0; t < logs.Length; t++)
        {
            logs[t] = (float)Math.Log(table[t]);
        }

        return logs;
    }

    /// <summary>σ(t) by linear interpolation of the table at each (possibly fractional) timestep, rounded to float32, then a final 0.</summary>
    public static double[] Interpolated(double[] table, IReadOnlyList<double> timesteps)
    {
        var sigmas = new double[timesteps.Count + 1];
        for (var k = 0; k < timesteps.Count; k++)
        {
            sigmas[k] = (float)NumPyCompat.InterpolateUnitGrid(timesteps[k], table);
        }

        return sigmas;
    }

    /// <summary>
    /// Karras et al. (2022) eq. 5: σ_i = (σ_max^(1/ρ) + i/(N−1)·(σ_min^(1/ρ) − σ_max^(1/ρ)))^ρ for i = 0..N−1, in float64.
    /// </summary>
    public static double[] Karras(double sigmaMin, double sigmaMax, int count, double rho = 7.0)
    {
        var ramp = NumPyCompat.Linspace(0, 1, count);
        var minInvRho = Math.Pow(sigmaMin, 1 / rho);
        var maxInvRho = Math.Pow(sigmaMax, 1 / rho);
        var sigmas = new double[count];
        for (var i = 0; i < count; i++)
        {
            sigmas[i] = Math.Pow(maxInvRho + (ramp[i] * (minInvRho - maxInvRho)), rho);
        }

        return sigmas;
    }

    /// <summary>
    /// The fractional training timestep of σ (diffusers' _sigma_to_t): find the table interval with
    /// ln σ_low ≤ ln σ &lt; ln σ_high, w = (ln σ_low − ln σ)/(ln σ_low − ln σ_high) clamped to [0, 1], t = (1 − w)·low + w·high.
    /// </summary>
    public static double SigmaToTimestep(double sigma, double[] logTable)
    {
        var logSigma = Math.Log(Math.Max(sigma, 1e-10));
        var atOrBelow = 0;
        for (var t = 0; t < logTable.Length; t++)
        {
            if (logSigma - logTable[t] >= 0)
            {
                atOrBelow = t + 1; // the last index whose log sigma is ≤ ln σ (the table increases with t)
            }
        }

        var low = Math.Clamp(atOrBelow - 1, 0, logTable.Length - 2);
        var high = low + 1;
        var w = Math.Clamp((logTable[low] - logSigma) / (logTable[low] - logTable[high]), 0, 1);
        return ((1 - w) * low) + (w * high);
    }
}
