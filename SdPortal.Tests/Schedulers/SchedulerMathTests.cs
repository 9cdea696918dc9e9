using SdPortal.Inference.Schedulers;

namespace SdPortal.Tests.Schedulers;

public sealed class SchedulerMathTests
{
    [Theory]
    [InlineData(0, 1.0)]
    [InlineData(7, 1.0 / 8)]
    [InlineData(15, 1.0 / 16)]
    public void GaussLegendreEight_Monomial_IntegratesExactlyUpToDegree15(int degree, double expected)
    {
        var rule = GaussLegendreRule.Eight;
        var sum = 0.0;
        for (var i = 0; i < rule.Count; i++)
        {
            sum += rule.Weight(i, 0, 1) * Math.Pow(rule.Node(i, 0, 1), degree);
        }

        Assert.Equal(expected, sum, 1e-14);
    }

    [Fact]
    public void LmsCoefficients_Order4_MatchClosedFormIntegrals()
    {
        double[] sigmas = [14.6, 10.7, 8.1, 6.2, 4.9, 0];
        Span<double> c = stackalloc double[4];

        LmsCoefficients.Compute(sigmas, 3, 4, c);

        // The Lagrange basis sums to 1, so Σ c_k = σ_4 − σ_3; each c_k against an exact antiderivative.
        Assert.Equal(4.9 - 6.2, c[0] + c[1] + c[2] + c[3], 1e-12);
        Assert.Equal(ExactLagrangeIntegral(sigmas, 3, 4, 1), c[1], 1e-12);
        Assert.Equal(ExactLagrangeIntegral(sigmas, 3, 4, 3), c[3], 1e-12);
    }

    [Fact]
    public void LmsCoefficients_Order1_IsTheEulerStep()
    {
        double[] sigmas = [3, 2];
        Span<double> c = stackalloc double[1];

        LmsCoefficients.Compute(sigmas, 0, 1, c);

        Assert.Equal(-1.0, c[0], 1e-15);
    }

    [Theory]
    [InlineData(1e-10)]
    [InlineData(-3e-7)]
    [InlineData(0.1)]
    [InlineData(-2.5)]
    public void Expm1_MatchesTheSeries(double x)
    {
        var series = 0.0;
        var term = 1.0;
        for (var k = 1; k < 40; k++)
        {
            term *= x / k;
            series += term;
        }

        Assert.Equal(series, ScalarMath.Expm1(x), Math.Abs(series) * 1e-15);
        Assert.Equal(-1.0, ScalarMath.Expm1(double.NegativeInfinity));
    }

    [Fact]
    public void NumPyLinspace_ReproducesNumPyRounding()
    {
        var points = NumPyCompat.Linspace(0, 999, 21);

        Assert.Equal(499.5, points[10]);      // 10·49.95 is exactly 499.5 in binary64
        Assert.Equal(500.0, NumPyCompat.Round(points[10]));
        Assert.Equal(999.0, points[20]);
        Assert.Equal([0, 2.5, 5, 7.5], NumPyCompat.Linspace(0, 10, 4, endpoint: false));
    }

    [Fact]
    public void NumPyArange_WithInexactStep_HasNumPysLength()
    {
        Assert.Equal(7, NumPyCompat.Arange(1000, 0, -1000.0 / 7).Length);
        Assert.Equal(62, NumPyCompat.Arange(1000, 0, -1000.0 / 61).Length);
    }

    [Fact]
    public void SigmaToTimestep_TableSigma_ReturnsItsTimestep()
    {
        var table = SigmaMath.Table(new NoiseSchedule(1000, 0.00085, 0.012, BetaSchedule.ScaledLinear));
        var logs = SigmaMath.LogTable(table);

        Assert.Equal(500.0, SigmaMath.SigmaToTimestep(table[500], logs), 1e-4);
        Assert.Equal(999.0, SigmaMath.SigmaToTimestep(table[999], logs), 1e-4);
        Assert.Equal(0.0, SigmaMath.SigmaToTimestep(table[0] / 2, logs));
        Assert.Equal(250.5, SigmaMath.SigmaToTimestep(Math.Sqrt(table[250] * table[251]), logs), 1e-3);
    }

    // ∫ ℓ_k over [σ_i, σ_{i+1}] via the exact antiderivative of the expanded polynomial.
    private static double ExactLagrangeIntegral(double[] sigmas, int i, int order, int k)
    {
        var coefficients = new double[order];
        coefficients[0] = 1;
        var degree = 0;
        for (var j = 0; j < order; j++)
        {
            if (j == k)
            {
                continue;
            }

            var root = sigmas[i - j];
            var scale = 1 / (sigmas[i - k] - root);
            for (var p = degree + 1; p >= 0; p--)
            {
                var shifted = p > 0 ? coefficients[p - 1] : 0;
                var kept = p <= degree ? coefficients[p] : 0;
                coefficients[p] = (shifted - (root * kept)) * scale;
            }

            degree++;
        }

        double Antiderivative(double x)
        {
            var value = 0.0;
            for (var p = 0; p <= degree; p++)
            {
                value += coefficients[p] * Math.Pow(x, p + 1) / (p + 1);
            }

            return value;
        }

        return Antiderivative(sigmas[i + 1]) - Antiderivative(sigmas[i]);
    }
}
