using SdPortal.Inference.Imaging;

namespace SdPortal.Tests.Imaging;

/// <summary>
/// OnlyMaskedRegion.For: each expected region is worked by hand from A1111's <c>get_crop_region_v2</c> (bounding
/// box ± padding, clamped) and <c>expand_crop_region</c> (grow the short axis to the target ratio, int() of the
/// shortfall, half before; slide back from the far edge, then from 0; clamp).
/// </summary>
public class OnlyMaskedRegionTests
{
    [Fact]
    public void For_A128By32MaskFor512By512_Becomes128By128()
    {
        // A1111's own docstring example. Ratio 4 > 1: desired height 128, shortfall 96, 48 above and 48 below.
        var mask = MaskWithBox(1024, 1024, 400, 500, 528, 532);

        Assert.Equal(new PixelRect(400, 452, 128, 128), OnlyMaskedRegion.For(mask, 0, 512, 512));
    }

    [Fact]
    public void For_PaddingClampedAtZero_ThenSlidBackInside()
    {
        // Box (10, 10)-(30, 20) + 32 → (0, 0)-(62, 52). Ratio 62/52 > 1: height 62, shortfall 10: y −5 … 57;
        // y1 < 0 so shift down by 5: 0 … 62.
        var mask = MaskWithBox(100, 100, 10, 10, 30, 20);

        Assert.Equal(new PixelRect(0, 0, 62, 62), OnlyMaskedRegion.For(mask, 32, 512, 512));
    }

    [Fact]
    public void For_OverhangingTheFarEdge_SlidesBack()
    {
        // Box (90, 0)-(100, 40). Ratio 0.25 ≤ 1: width 40, shortfall 30: x 75 … 115; x2 ≥ 100, slide by 15: 60 … 100.
        var mask = MaskWithBox(100, 100, 90, 0, 100, 40);

        Assert.Equal(new PixelRect(60, 0, 40, 40), OnlyMaskedRegion.For(mask, 0, 512, 512));
    }

    [Fact]
    public void For_PictureTooSmallForTheRatio_IsClampedToThePicture()
    {
        // 50×20 picture, box (0, 5)-(50, 10). Ratio 10: height 50, shortfall 45: y −17 … 33; slide up by 13: −30 … 20;
        // slide down by 30: 0 … 50; clamp: 0 … 20.
        var mask = MaskWithBox(50, 20, 0, 5, 50, 10);

        Assert.Equal(new PixelRect(0, 0, 50, 20), OnlyMaskedRegion.For(mask, 0, 512, 512));
    }

    [Fact]
    public void For_WideTarget_TruncatesTheShortfall()
    {
        // Target 768×512 (ratio 1.5), box (100, 100)-(140, 120), ratio 2: height 40 / 1.5 = 26.67, shortfall
        // int(6.67) = 6: y 97 … 123.
        var mask = MaskWithBox(300, 300, 100, 100, 140, 120);

        Assert.Equal(new PixelRect(100, 97, 40, 26), OnlyMaskedRegion.For(mask, 0, 768, 512));
    }

    [Fact]
    public void For_EmptyMask_IsTheWholePicture()
    {
        var mask = new MaskImage(64, 48, new byte[64 * 48]);

        Assert.Equal(new PixelRect(0, 0, 64, 48), OnlyMaskedRegion.For(mask, 32, 512, 512));
    }

    [Fact]
    public void Crop_ThenPasteBack_ReplacesOnlyTheRegion()
    {
        var pixels = new byte[100 * 80 * 3];
        new Random(5).NextBytes(pixels);
        var original = new RgbImage(100, 80, pixels);
        var region = new PixelRect(10, 20, 40, 30);

        var cropped = OnlyMaskedRegion.Crop(original, region);
        Assert.Equal((40, 30), (cropped.Width, cropped.Height));
        Assert.Equal(ImageFitTests.At(original, 10, 20), ImageFitTests.At(cropped, 0, 0));
        Assert.Equal(ImageFitTests.At(original, 49, 49), ImageFitTests.At(cropped, 39, 29));

        // Generated at 4:3 like the region; a flat colour stays flat through the resize back.
        var generated = RgbImage.Filled(80, 60, 1, 2, 3);
        var pasted = OnlyMaskedRegion.PasteBack(original, generated, region);

        for (var y = 0; y < 80; y++)
        {
            for (var x = 0; x < 100; x++)
            {
                var inside = x >= 10 && x < 50 && y >= 20 && y < 50;
                Assert.Equal(inside ? (1, 2, 3) : ImageFitTests.At(original, x, y), ImageFitTests.At(pasted, x, y));
            }
        }
    }

    private static MaskImage MaskWithBox(int width, int height, int x1, int y1, int x2, int y2)
    {
        var values = new byte[width * height];
        for (var y = y1; y < y2; y++)
        {
            Array.Fill(values, (byte)255, (y * width) + x1, x2 - x1);
        }

        return new MaskImage(width, height, values);
    }
}
