namespace SdPortal.Inference.Imaging;

/// <summary>
/// Pillow's <c>ImageFilter.GaussianBlur(radius)</c> as A1111's masked-content "fill" uses it: three passes of a box
/// blur per axis whose fractional half-width comes from Gwosdek et al.'s extended box rule, edges extended. A running
/// sum makes each pass cost the same at radius 256 as at radius 2.
/// </summary>
internal static class BoxBlur
{
    private const int Passes = 3;

    /// <summary>Blurs one float plane in place (row-major width × height); radius 0 leaves it as it is.</summary>
    public static void Apply(float[] plane, int width, int height, double radius)
    {
        if (radius <= 0)
        {
            return;
        }

        var boxRadius = ExtendedBoxRadius(radius);
        var line = new double[Math.Max(width, height)];
        for (var pass = 0; pass < Passes; pass++)
        {
            for (var y = 0; y < height; y++)
            {
                BlurLine(plane, y * width, 1, width, boxRadius, line);
            }

            for (var x = 0; x < width; x++)
            {
                BlurLine(plane, x, width, height, boxRadius, line);
            }
        }
    }

    /// <summary>
    /// Pillow's <c>_gaussian_blur_radius</c>: σ² = r²/passes, L = √(12σ² + 1), l = ⌊(L − 1)/2⌋, and the fractional
    /// part a = (2l + 1)(l(l + 1) − 3σ²) / (6(σ² − (l + 1)²)), giving a box of half-width l + a.
    /// </summary>
    internal static double ExtendedBoxRadius(double radius)
    {
        var sigma2 = radius * radius / Passes;
        var length = Math.Sqrt((12.0 * sigma2) + 1.0);
        var whole = Math.Floor((length - 1.0) / 2.0);
        var fraction = ((2 * whole) + 1) * ((whole * (whole + 1)) - (3 * sigma2));
        fraction /= 6 * (sigma2 - ((whole + 1) * (whole + 1)));
        return whole + fraction;
    }

    /// <summary>
    /// One box pass along a line: mean of the 2l + 1 nearest values plus the two next ones weighted a, over 2(l + a) + 1,
    /// reading past either end as the end value (Pillow extends edges).
    /// </summary>
    private static void BlurLine(float[] plane, int start, int step, int length, double boxRadius, double[] line)
    {
        var whole = (int)Math.Floor(boxRadius);
        var fraction = boxRadius - whole;
        var norm = 1.0 / ((2 * boxRadius) + 1);
        for (var i = 0; i < length; i++)
        {
            line[i] = plane[start + (i * step)];
        }

        double At(int i) => line[Math.Clamp(i, 0, length - 1)];

        var sum = 0.0;
        for (var k = -whole; k <= whole; k++)
        {
            sum += At(k);
        }

        for (var i = 0; i < length; i++)
        {
            var value = (sum + (fraction * (At(i - whole - 1) + At(i + whole + 1)))) * norm;
            plane[start + (i * step)] = (float)value;
            sum += At(i + whole + 1) - At(i - whole);
        }
    }
}
