using SdPortal.Inference.Imaging;

namespace SdPortal.Tests.Imaging;

/// <summary>MaskImage: reading a mask from pixels, inverting, bounds, and the latent-resolution mask.</summary>
public class MaskImageTests
{
    [Fact]
    public void From_TakesPillowsLuma()
    {
        var image = new RgbImage(4, 1, [255, 255, 255, 0, 0, 0, 0, 255, 0, 10, 20, 30]);

        var mask = MaskImage.From(image);

        // 0.299 R + 0.587 G + 0.114 B: green 149.7 → 150; (10, 20, 30) → 2.99 + 11.74 + 3.42 = 18.15 → 18.
        Assert.Equal(new byte[] { 255, 0, 150, 18 }, mask.Values);
    }

    [Fact]
    public void Invert_SwapsRepaintAndKeep()
    {
        var mask = new MaskImage(3, 1, [0, 255, 100]);

        Assert.Equal(new byte[] { 255, 0, 155 }, mask.Invert().Values);
    }

    [Fact]
    public void Bounds_IsNullForAnEmptyMaskAndOtherwiseTheBoxOfNonZeroValues()
    {
        var empty = new MaskImage(10, 8, new byte[80]);
        Assert.True(empty.IsEmpty);
        Assert.Null(empty.Bounds());

        var values = new byte[80];
        values[(2 * 10) + 7] = 1; // (7, 2): even a faint value counts, as getbbox
        values[(5 * 10) + 3] = 255; // (3, 5)
        var mask = new MaskImage(10, 8, values);

        Assert.False(mask.IsEmpty);
        Assert.Equal(new PixelRect(3, 2, 5, 4), mask.Bounds()); // x 3…7, y 2…5 inclusive
    }

    [Fact]
    public void ToLatentMask_SamplesNearestAndBinarisesAtHalf()
    {
        // 16×16 → 2×2: nearest takes source (8·i, 8·j). 128/255 ≥ 0.5 repaints; 127/255 does not.
        var values = new byte[256];
        Array.Fill(values, (byte)255);
        values[0] = 128; // → latent (0, 0)
        values[8] = 127; // → latent (1, 0)
        values[8 * 16] = 200; // → latent (0, 1)
        values[(8 * 16) + 8] = 0; // → latent (1, 1), though all around it is 255
        var mask = new MaskImage(16, 16, values);

        float[] expected = [1f, 0f, 1f, 0f];
        Assert.Equal(expected, mask.ToLatentMask(2, 2));
    }

    [Fact]
    public void ToLatentMask_OfAnEightfoldMask_KeepsTheBlockShape()
    {
        // 64×32 with the right half masked → 8×4 latent with the right 4 columns set.
        var values = new byte[64 * 32];
        for (var y = 0; y < 32; y++)
        {
            Array.Fill(values, (byte)255, (y * 64) + 32, 32);
        }

        var latent = new MaskImage(64, 32, values).ToLatentMask(8, 4);

        for (var y = 0; y < 4; y++)
        {
            for (var x = 0; x < 8; x++)
            {
                Assert.Equal(x >= 4 ? 1f : 0f, latent[(y * 8) + x]);
            }
        }
    }

    [Fact]
    public void Crop_TakesTheRegion()
    {
        var values = Enumerable.Range(0, 20).Select(i => (byte)i).ToArray();
        var mask = new MaskImage(5, 4, values);

        var cropped = mask.Crop(new PixelRect(1, 2, 3, 2));

        Assert.Equal(new byte[] { 11, 12, 13, 16, 17, 18 }, cropped.Values);
        Assert.Throws<ArgumentOutOfRangeException>(() => mask.Crop(new PixelRect(3, 0, 3, 1)));
    }
}
