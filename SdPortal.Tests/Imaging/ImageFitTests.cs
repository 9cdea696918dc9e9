using SdPortal.Inference.Imaging;

namespace SdPortal.Tests.Imaging;

/// <summary>ImageFit.CropAndResize: A1111's "Crop and resize" geometry, worked out by hand from its integer rule.</summary>
public class ImageFitTests
{
    [Fact]
    public void CropAndResize_WideImageToSquare_KeepsTheCentre()
    {
        // 1000×500: red for x < 250, blue for x ≥ 750, white between, a black 20×20 square at the centre.
        // Covering 512×512 with the height: 1000·512 // 500 = 1024 wide (scale 1.024), crop from x = 512 − 256 = 256,
        // i.e. source x 250 … 750: exactly the white band. The square (490…510, 240…260) lands at 245.8…266.2.
        var source = Draw(1000, 500, (x, y) =>
            x is >= 490 and < 510 && y is >= 240 and < 260 ? (0, 0, 0)
            : x < 250 ? (255, 0, 0)
            : x >= 750 ? (0, 0, 255)
            : (255, 255, 255));

        var fitted = ImageFit.CropAndResize(source, 512, 512);

        Assert.Equal((512, 512), (fitted.Width, fitted.Height));
        Assert.Equal((0, 0, 0), At(fitted, 256, 256));
        Assert.Equal((255, 255, 255), At(fitted, 236, 256));
        Assert.Equal((255, 255, 255), At(fitted, 276, 256));
        Assert.Equal((255, 255, 255), At(fitted, 256, 236));
        Assert.Equal((255, 255, 255), At(fitted, 256, 276));
        for (var x = 3; x < 509; x++)
        {
            // No red or blue: the side bands are cut off (a few edge columns may ring from the Lanczos window).
            var (r, g, b) = At(fitted, x, 100);
            Assert.True(r == g && g == b, $"column {x} is ({r}, {g}, {b})");
        }
    }

    [Fact]
    public void CropAndResize_TallImageToWide_CropsAtTheVerticalCentre()
    {
        // 500×1000 → 512×256: the target is wider, so 512 wide and 1000·512 // 500 = 1024 high (scale 1.024),
        // crop from y = 512 − 128 = 384. Output row r shows source y = (384 + r + ½) / 1.024.
        // Bands: red y < 400, white 400 ≤ y < 600, blue from 600.
        var source = Draw(500, 1000, (_, y) => y < 400 ? (255, 0, 0) : y < 600 ? (255, 255, 255) : (0, 0, 255));

        var fitted = ImageFit.CropAndResize(source, 512, 256);

        Assert.Equal((255, 0, 0), At(fitted, 256, 5)); // source y 380
        Assert.Equal((255, 255, 255), At(fitted, 256, 128)); // source y 500
        Assert.Equal((0, 0, 255), At(fitted, 256, 250)); // source y 619
    }

    [Fact]
    public void CropAndResize_FlatColour_StaysExactlyFlatWhenShrinkingAndGrowing()
    {
        var source = Draw(300, 200, (_, _) => (17, 200, 99));

        foreach (var (w, h) in new[] { (64, 64), (640, 512) })
        {
            var fitted = ImageFit.CropAndResize(source, w, h);
            for (var i = 0; i < fitted.Pixels.Length; i += 3)
            {
                Assert.Equal((17, 200, 99), (fitted.Pixels[i], fitted.Pixels[i + 1], fitted.Pixels[i + 2]));
            }
        }
    }

    [Fact]
    public void CropAndResize_SameSize_ReturnsTheSamePixels()
    {
        var pixels = new byte[64 * 32 * 3];
        new Random(3).NextBytes(pixels);
        var source = new RgbImage(64, 32, pixels);
        var copy = (byte[])pixels.Clone();

        var fitted = ImageFit.CropAndResize(source, 64, 32);

        Assert.Equal(copy, fitted.Pixels);
    }

    [Fact]
    public void CropAndResize_HalvingAnAlternatingPattern_AveragesInsteadOfAliasing()
    {
        // Columns alternate 0 and 255. A point sampler would give all 0 or all 255; Pillow's widened Lanczos
        // window averages pairs to about 128 in the interior.
        var source = Draw(200, 10, (x, _) => x % 2 == 0 ? (0, 0, 0) : (255, 255, 255));

        var fitted = ImageFit.CropAndResize(source, 100, 5);

        for (var x = 10; x < 90; x++)
        {
            Assert.InRange(At(fitted, x, 2).R, 120, 136);
        }
    }

    internal static RgbImage Draw(int width, int height, Func<int, int, (int R, int G, int B)> colour)
    {
        var pixels = new byte[width * height * 3];
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                var (r, g, b) = colour(x, y);
                var o = ((y * width) + x) * 3;
                (pixels[o], pixels[o + 1], pixels[o + 2]) = ((byte)r, (byte)g, (byte)b);
            }
        }

        return new RgbImage(width, height, pixels);
    }

    internal static (int R, int G, int B) At(RgbImage image, int x, int y)
    {
        var o = image.OffsetOf(x, y);
        return (image.Pixels[o], image.Pixels[o + 1], image.Pixels[o + 2]);
    }
}
