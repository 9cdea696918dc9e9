namespace SdPortal.Inference.Schedulers;

/// <summary>
/// An n-point Gauss–Legendre quadrature rule on [−1, 1]: ∫ f ≈ Σ w_i f(x_i), exact for polynomials of degree ≤ 2n − 1.
/// Nodes are the roots of the Legendre polynomial P_n, found by Newton's method from x ≈ cos(π(i − 1/4)/(n + 1/2));
/// weights are w_i = 2 / ((1 − x_i²) P_n'(x_i)²).
/// </summary>
internal sealed class GaussLegendreRule
{
    private readonly double[] _nodes;
    private readonly double[] _weights;

    /// <summary>Computes the rule with <paramref name="points"/> nodes.</summary>
    public GaussLegendreRule(int points)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(points, 1);
        _nodes = new double[points];
        _weights = new double[points];
        for (var i = 0; i < points; i++)
        {
            var x = Math.Cos(Math.PI * (i + 0.75) / (points + 0.5));
            double derivative;
            var iterations = 0;
            while (true)
            {
                (var p, derivative) = Legendre(points, x);
                var dx = p / derivative; // Newton: x ← x − P_n(x)/P_n'(x)
                x -= dx;
                if (Math.Abs(dx) <= 1e-16 || ++iterations == 100)
                {
                    (_, derivative) = Legendre(points, x);
                    break;
                }
            }

            _nodes[i] = x;
            _weights[i] = 2.0 / ((1.0 - (x * x)) * derivative * derivative);
        }
    }

    /// <summary>The 8-point rule: exact up to degree 15, ample for the LMS Lagrange polynomials (degree ≤ 3).</summary>
    public static GaussLegendreRule Eight { get; } = new(8);

    /// <summary>The number of nodes.</summary>
    public int Count => _nodes.Length;

    /// <summary>The i-th node mapped onto [a, b]: (a + b)/2 + (b − a)/2 · x_i.</summary>
    public double Node(int i, double a, double b) => ((a + b) / 2) + ((b - a) / 2 * _nodes[i]);

    /// <summary>The i-th weight scaled for [a, b]: (b − a)/2 · w_i.</summary>
    public double Weight(int i, double a, double b) => (b - a) / 2 * _weights[i];

    // P_n(x) by the recurrence k P_k = (2k − 1) x P_{k−1} − (k − 1) P_{k−2}, and P_n'(x) = n (x P_n − P_{n−1}) / (x² − 1).
    private static (double Value, double Derivative) Legendre(int n, double x)
    {
        double previous = 1.0, current = x;
        for (var k = 2; k <= n; k++)
        {
            var next = (((2 * k) - 1) * x * current - ((k - 1) * previous)) / k;
            previous = current;
            current = next;
        }

        return (current, n * ((x * current) - previous) / ((x * x) - 1));
    }
}
