namespace SdPortal.Inference.Schedulers;

/// <summary>Scalar functions .NET does not provide.</summary>
internal static class ScalarMath
{
    /// <summary>
    /// e^x − 1 without cancellation for small |x| (Kahan's method: with u = e^x, e^x − 1 = (u − 1)·x / ln u, whose
    /// rounding errors cancel), exact limits at ±∞.
    /// </summary>
    public static double Expm1(double x)
    {
        if (double.IsNegativeInfinity(x))
        {
            return -1.0;
        }

        var u = Math.Exp(x);
        if (u == 1.0)
        {
            return x;
        }

        var uMinusOne = u - 1.0;
        if (uMinusOne == -1.0 || double.IsPositiveInfinity(u))
        {
            return uMinusOne;
        }

        return uMinusOne * x / Math.Log(u);
    }
}
