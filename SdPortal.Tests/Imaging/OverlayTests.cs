using SdPortal.Inference.Imaging;

namespace SdPortal.Tests.Imaging;

/// <summary>Overlay.Apply: the original where the mask is 0, the generated picture where 255, a blend between.</summary>
public class OverlayTests
{
    [Fact]
    public void Apply_KeepsTheOriginalOutsideTheMaskByteForByte()
    {
        const int width = 32, height = 24;
        var random = new Random(11);
        var original = Noise(random, width, height);
        var generated = Noise(random, width, height);
        var values = new byte[width * height];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = (i % 3) switch { 0 => 0, 1 => 255, _ => (byte)random.Next(256) };
        }

        var mask = new MaskImage(width, height, values);

        var result = Overlay.Apply(original, generated, mask);

        for (var i = 0; i < result.Pixels.Length; i++)
        {
            var m = values[i / 3];
            var expected = m switch
            {
                0 => original.Pixels[i],
                255 => generated.Pixels[i],
                _ => (byte)Math.Round((original.Pixels[i] * (1 - (m / 255.0))) + (generated.Pixels[i] * (m / 255.0))),
            };
            Assert.Equal(expected, result.Pixels[i]);
        }
    }

    [Fact]
    public void Apply_RefusesMismatchedSizes()
    {
        var image = RgbImage.Filled(4, 4, 0, 0, 0);

        Assert.Throws<ArgumentException>(() => Overlay.Apply(image, RgbImage.Filled(4, 5, 0, 0, 0), new MaskImage(4, 4, new byte[16])));
        Assert.Throws<ArgumentException>(() => Overlay.Apply(image, image, new MaskImage(2, 8, new byte[16])));
    }

    private static RgbImage Noise(Random random, int width, int height)
    {
        var pixels = new byte[width * height * 3];
        random.NextBytes(pixels);
        return new RgbImage(width, height, pixels);
    }
}
