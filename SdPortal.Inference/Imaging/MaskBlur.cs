namespace SdPortal.Inference.Imaging;

/// <summary>
/// A1111's mask blur: <c>cv2.GaussianBlur</c> along x with a 1-row kernel, then along y with a 1-column kernel, each
/// of size 2·int(2.5·σ + 0.5) + 1 with σ = the mask blur, OpenCV's default border (reflect-101: …cb|abc…xyz|yx…),
/// and each pass rounded back to 8 bits as the two separate OpenCV calls are.
/// </summary>
internal static class MaskBlur
{
    /// <summary>Returns a blurred copy; radius 0 copies.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The radius is negative.</exception>
    public static byte[] Apply(byte[] values, int width, int height, int radius)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(radius);
        if (radius == 0)
        {
            return (byte[])values.Clone();
        }

        var kernel = Kernel(radius);
        var across = new byte[values.Length];
        for (var y = 0; y < height; y++)
        {
            Convolve(values, y * width, 1, width, kernel, across);
        }

        var result = new byte[values.Length];
        for (var x = 0; x < width; x++)
        {
            Convolve(across, x, width, height, kernel, result);
        }

        return result;
    }

    /// <summary>OpenCV's <c>getGaussianKernel(ksize, σ)</c> for σ &gt; 0: exp(−(i − (ksize − 1)/2)² / 2σ²), summing to 1.</summary>
    internal static double[] Kernel(int sigma)
    {
        var size = (2 * (int)((2.5 * sigma) + 0.5)) + 1;
        var kernel = new double[size];
        var centre = (size - 1) / 2;
        double total = 0;
        for (var i = 0; i < size; i++)
        {
            var d = i - centre;
            kernel[i] = Math.Exp(-(d * d) / (2.0 * sigma * sigma));
            total += kernel[i];
        }

        for (var i = 0; i < size; i++)
        {
            kernel[i] /= total;
        }

        return kernel;
    }

    /// <summary>OpenCV's BORDER_REFLECT_101 index for any i, however far outside [0, n).</summary>
    internal static int Reflect101(int i, int n)
    {
        if (n == 1)
        {
            return 0;
        }

        var period = (2 * n) - 2;
        i %= period;
        if (i < 0)
        {
            i += period;
        }

        return i < n ? i : period - i;
    }

    private static void Convolve(byte[] source, int start, int step, int length, double[] kernel, byte[] destination)
    {
        // The line with its reflected borders laid out once, so the inner loop is a plain dot product.
        var centre = kernel.Length / 2;
        var padded = new double[length + (2 * centre)];
        for (var j = 0; j < padded.Length; j++)
        {
            padded[j] = source[start + (Reflect101(j - centre, length) * step)];
        }

        for (var i = 0; i < length; i++)
        {
            double sum = 0;
            for (var k = 0; k < kernel.Length; k++)
            {
                sum += kernel[k] * padded[i + k];
            }

            destination[start + (i * step)] = (byte)Math.Clamp(Math.Round(sum), 0, 255);
        }
    }
}
