using SdPortal.Inference.Imaging;

namespace SdPortal.Tests.Imaging;

/// <summary>MaskedFill.Fill (A1111's "fill") and the Pillow-style Gaussian it blurs with.</summary>
public class MaskedFillTests
{
    [Fact]
    public void Fill_LeavesUnmaskedPixelsUntouched()
    {
        const int width = 48, height = 40;
        var random = new Random(21);
        var pixels = new byte[width * height * 3];
        random.NextBytes(pixels);
        var image = new RgbImage(width, height, pixels);
        var values = new byte[width * height];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = (i % 4) switch { 0 => 255, 1 => (byte)random.Next(1, 256), _ => 0 };
        }

        var filled = MaskedFill.Fill(image, new MaskImage(width, height, values));

        for (var i = 0; i < values.Length; i++)
        {
            if (values[i] == 0)
            {
                Assert.Equal(pixels.AsSpan(3 * i, 3).ToArray(), filled.Pixels.AsSpan(3 * i, 3).ToArray());
            }
        }
    }

    [Fact]
    public void Fill_ReplacesTheMaskedAreaWithTheSurroundingColour()
    {
        // Red picture with a blue square that the mask covers: the blue must not survive, red flows in.
        var image = ImageFitTests.Draw(64, 64, (x, y) => x is >= 24 and < 40 && y is >= 24 and < 40 ? (0, 0, 255) : (255, 0, 0));
        var values = new byte[64 * 64];
        for (var y = 24; y < 40; y++)
        {
            Array.Fill(values, (byte)255, (y * 64) + 24, 16);
        }

        var filled = MaskedFill.Fill(image, new MaskImage(64, 64, values));

        for (var y = 24; y < 40; y++)
        {
            for (var x = 24; x < 40; x++)
            {
                Assert.Equal((255, 0, 0), ImageFitTests.At(filled, x, y));
            }
        }
    }

    [Theory]
    [InlineData(2.0)]
    [InlineData(4.0)]
    [InlineData(16.0)]
    public void BoxBlur_OfAnImpulse_HasTheGaussiansVariance(double radius)
    {
        // Three extended-box passes are built to have variance exactly σ² = radius² (Gwosdek et al.).
        const int length = 801;
        var line = new float[length];
        line[length / 2] = 1f;

        BoxBlur.Apply(line, length, 1, radius);

        double total = 0, variance = 0;
        for (var i = 0; i < length; i++)
        {
            total += line[i];
            variance += line[i] * Math.Pow(i - (length / 2), 2);
        }

        Assert.Equal(1.0, total, 4);
        Assert.Equal(radius * radius, variance / total, 2);
    }
}
