namespace SdPortal.Inference.Schedulers;

/// <summary>
/// The scalar coefficients of UniPC-bh2 with data prediction (Zhao et al. 2023; diffusers' multistep_uni_p_bh_update
/// and multistep_uni_c_bh_update), in float32 like diffusers. With hh = −h:
/// φ₁ = e^{hh} − 1, B(h) = e^{hh} − 1; the right-hand side g_k = k!·φ_{k+1}(hh)/B(h) from the recurrence
/// φ₂ = φ₁/hh − 1, φ_{k+1} = φ_k/hh − 1/k!. The predictor of order 2 uses ρ = ½ (diffusers' fixed value); the
/// corrector of order 1 uses ρ = ½, of order 2 solves [1 1; r 1]·ρ = [g₁; g₂] (the Vandermonde system in r and 1).
/// </summary>
internal static class UniPcCoefficients
{
    /// <summary>The predictor's φ₁ and B(h).</summary>
    public static (float Phi1, float B) Predictor(float h)
    {
        var phi1 = Expm1(-h);
        return (phi1, phi1);
    }

    /// <summary>The corrector's φ₁, B(h) and weights: ρ for the older difference D₁ (order 2) and for m_i − m_{i−1}.</summary>
    public static (float Phi1, float B, float RhoHistory, float RhoLast) Corrector(float h, int order, float r)
    {
        var hh = -h;
        var phi1 = Expm1(hh);
        var b = phi1;
        if (order == 1)
        {
            return (phi1, b, 0f, 0.5f);
        }

        var phiK = (phi1 / hh) - 1f;         // φ₂
        var g1 = phiK * 1f / b;              // g₁ = 1!·φ₂/B
        phiK = (phiK / hh) - (1f / 2f);      // φ₃
        var g2 = phiK * 2f / b;              // g₂ = 2!·φ₃/B
        var (rhoHistory, rhoLast) = Solve2(r, g1, g2);
        return (phi1, b, rhoHistory, rhoLast);
    }

    // Solves ρ₀ + ρ₁ = g₁, r·ρ₀ + ρ₁ = g₂ by Gaussian elimination with partial pivoting (LAPACK's gesv for 2×2).
    private static (float Rho0, float Rho1) Solve2(float r, float g1, float g2)
    {
        if (MathF.Abs(r) > 1f)
        {
            // pivot on the second row: r·ρ₀ + ρ₁ = g₂ first
            var l = 1f / r;
            var u11 = 1f - (l * 1f);
            var rhs = g1 - (l * g2);
            var rho1 = rhs / u11;
            return ((g2 - rho1) / r, rho1);
        }
        else
        {
            var u11 = 1f - (r * 1f);
            var rhs = g2 - (r * g1);
            var rho1 = rhs / u11;
            return (g1 - rho1, rho1);
        }
    }

    private static float Expm1(float x) => (float)ScalarMath.Expm1(x);
}
