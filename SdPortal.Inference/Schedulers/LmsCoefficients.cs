namespace SdPortal.Inference.Schedulers;

/// <summary>
/// The linear multistep weights of the LMS sampler (k-diffusion's linear_multistep_coeff, diffusers'
/// get_lms_coefficient): for step i of order p, c_k = ∫_{σ_i}^{σ_{i+1}} ℓ_k(τ) dτ with the Lagrange basis
/// ℓ_k(τ) = Π_{j≠k, j&lt;p} (τ − σ_{i−j}) / (σ_{i−k} − σ_{i−j}). diffusers integrates with scipy's quad; ℓ_k has degree
/// p − 1 ≤ 3, so 8-point Gauss–Legendre is exact up to rounding.
/// </summary>
internal static class LmsCoefficients
{
    /// <summary>Writes c_0..c_{order−1} for step <paramref name="step"/> into <paramref name="destination"/>.</summary>
    public static void Compute(IReadOnlyList<double> sigmas, int step, int order, Span<double> destination)
    {
        var rule = GaussLegendreRule.Eight;
        double a = sigmas[step], b = sigmas[step + 1];
        for (var k = 0; k < order; k++)
        {
            var integral = 0.0;
            for (var n = 0; n < rule.Count; n++)
            {
                var tau = rule.Node(n, a, b);
                var basis = 1.0;
                for (var j = 0; j < order; j++)
                {
                    if (j != k)
                    {
                        basis *= (tau - sigmas[step - j]) / (sigmas[step - k] - sigmas[step - j]);
                    }
                }

                integral += rule.Weight(n, a, b) * basis;
            }

            destination[k] = integral;
        }
    }
}
