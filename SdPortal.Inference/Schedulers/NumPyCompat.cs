namespace SdPortal.Inference.Schedulers;

/// <summary>
/// The NumPy routines diffusers builds schedules with, reproduced operation for operation so that the rounding (and
/// hence every rounded timestep) is the same as NumPy's (numpy/_core/function_base.py, multiarray/ctors.c).
/// </summary>
internal static class NumPyCompat
{
    /// <summary>
    /// np.linspace: y_i = i·((stop − start)/div) + start with div = num − 1 (endpoint) or num; y_{num−1} = stop when
    /// endpoint; a single point is [start].
    /// </summary>
    public static double[] Linspace(double start, double stop, int num, bool endpoint = true)
    {
        var values = new double[num];
        var div = endpoint ? num - 1 : num;
        if (div == 0)
        {
            values[0] = start;
            return values;
        }

        var step = (stop - start) / div;
        for (var i = 0; i < num; i++)
        {
            values[i] = (i * step) + start;
        }

        if (endpoint && num > 1)
        {
            values[num - 1] = stop;
        }

        return values;
    }

    /// <summary>
    /// np.arange for floats: length ⌈(stop − start)/step⌉, y₀ = start, y₁ = start + step, then y_i = start + i·(y₁ − y₀).
    /// </summary>
    public static double[] Arange(double start, double stop, double step)
    {
        var length = (int)Math.Max(Math.Ceiling((stop - start) / step), 0);
        var values = new double[length];
        if (length == 0)
        {
            return values;
        }

        values[0] = start;
        if (length == 1)
        {
            return values;
        }

        values[1] = start + step;
        var delta = values[1] - values[0];
        for (var i = 2; i < length; i++)
        {
            values[i] = start + (i * delta);
        }

        return values;
    }

    /// <summary>np.round: to the nearest integer, ties to even.</summary>
    public static double Round(double x) => Math.Round(x, MidpointRounding.ToEven);

    /// <summary>
    /// np.interp(x, arange(len(fp)), fp) on the unit grid: fp_j + (fp_{j+1} − fp_j)·(x − j) for j = ⌊x⌋, clamped to the ends.
    /// </summary>
    public static double InterpolateUnitGrid(double x, IReadOnlyList<double> fp)
    {
        var last = fp.Count - 1;
        if (x <= 0)
        {
            return fp[0];
        }

        if (x >= last)
        {
            return fp[last];
        }

        var j = (int)Math.Floor(x);
        if (x == j)
        {
            return fp[j];
        }

        var slope = (fp[j + 1] - fp[j]) / 1.0;
        return (slope * (x - j)) + fp[j];
    }
}
