using SdPortal.Inference.Imaging;

namespace SdPortal.Tests.Imaging;

/// <summary>
/// MaskImage.Blur against a Gaussian computed here directly in 2-D, in double precision with no intermediate
/// rounding: exp(−(dx² + dy²) / 2σ²) over a square window of 2·int(2.5σ + 0.5) + 1 (A1111's kernel size), normalised,
/// with OpenCV's default border (reflect-101, folded as often as needed). The blur rounds to bytes after each axis,
/// as A1111's two cv2 calls do, so ±1 is allowed.
/// </summary>
public class MaskBlurTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    [InlineData(10)] // a 51-tap window on a 30-row mask: reflected more than once
    public void Blur_MatchesADirectGaussianWithinOneLevel(int sigma)
    {
        const int width = 40, height = 30;
        var values = new byte[width * height];
        for (var y = 8; y < 20; y++)
        {
            for (var x = 5; x < 22; x++)
            {
                values[(y * width) + x] = 255;
            }
        }

        values[(2 * width) + 37] = 180; // a lone pixel near a corner
        var mask = new MaskImage(width, height, values);

        var blurred = mask.Blur(sigma);
        var expected = DirectGaussian(values, width, height, sigma);

        for (var i = 0; i < values.Length; i++)
        {
            Assert.True(Math.Abs(blurred.Values[i] - expected[i]) <= 1,
                $"({i % width}, {i / width}): {blurred.Values[i]} vs {expected[i]:F2}");
        }
    }

    [Fact]
    public void Blur_OfZero_IsACopy()
    {
        var mask = new MaskImage(2, 2, [0, 255, 7, 9]);

        var blurred = mask.Blur(0);

        Assert.Equal(mask.Values, blurred.Values);
        Assert.NotSame(mask.Values, blurred.Values);
    }

    private static double[] DirectGaussian(byte[] values, int width, int height, int sigma)
    {
        var half = (int)((2.5 * sigma) + 0.5);
        var result = new double[values.Length];
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                double sum = 0, weights = 0;
                for (var dy = -half; dy <= half; dy++)
                {
                    for (var dx = -half; dx <= half; dx++)
                    {
                        var w = Math.Exp(-((dx * dx) + (dy * dy)) / (2.0 * sigma * sigma));
                        sum += w * values[(Fold(y + dy, height) * width) + Fold(x + dx, width)];
                        weights += w;
                    }
                }

                result[(y * width) + x] = sum / weights;
            }
        }

        return result;
    }

    /// <summary>Reflect-101 by repeated mirroring about the first and last sample.</summary>
    private static int Fold(int i, int n)
    {
        while (i < 0 || i >= n)
        {
            i = i < 0 ? -i : (2 * (n - 1)) - i;
        }

        return i;
    }
}
