using SdPortal.Inference.Imaging;

namespace SdPortal.Tests.Imaging;

/// <summary>LatentImageConverter: the VAE output → the RGB bytes that PngEncoder takes.</summary>
public class LatentToPngPixelTests
{
    [Fact]
    public void ChwToRgb_MapsMinusOneToZeroOneTo255AndZeroTo128()
    {
        // [3, 1, 3]: R plane, G plane, B plane. 0 → 127.5 → 128 by NumPy's round-half-to-even.
        float[] chw = [-1f, 0f, 1f, /* G */ 1f, -1f, 0f, /* B */ 0f, 1f, -1f];
        var rgb = new byte[9];

        LatentImageConverter.ChwToRgb(chw, 3, 1, rgb);

        Assert.Equal(new byte[] { 0, 255, 128, 128, 0, 255, 255, 128, 0 }, rgb);
    }

    [Fact]
    public void ChwToRgb_RoundsHalfToEvenLikeNumPy()
    {
        // In float32, (v + 1) / 2 · 255 is exactly 126.5 for this v (found by search); NumPy's round gives 126, where
        // rounding half away from zero would give 127.
        float[] chw = [-0.00784313678741455f, 0f, 0f];
        var rgb = new byte[3];

        LatentImageConverter.ChwToRgb(chw, 1, 1, rgb);

        Assert.Equal(126, rgb[0]);
    }

    [Fact]
    public void ChwToRgb_ClampsOutOfRangeValuesAndMapsNaNToZero()
    {
        // width 1, height 2: R plane [-3, 7], G plane [NaN, +inf], B plane [-inf, 1.0001]
        float[] chw = [-3f, 7f, float.NaN, float.PositiveInfinity, float.NegativeInfinity, 1.0001f];
        var rgb = new byte[6];

        LatentImageConverter.ChwToRgb(chw, 1, 2, rgb);

        Assert.Equal(new byte[] { 0, 0, 0, 255, 255, 255 }, rgb);
    }

    [Fact]
    public void ChwToRgb_InterleavesPlanesRowByRow()
    {
        // 2x2; plane values encode channel and pixel index so a wrong stride shows up.
        const int width = 2, height = 2;
        var chw = new float[3 * width * height];
        for (var c = 0; c < 3; c++)
        {
            for (var p = 0; p < width * height; p++)
            {
                chw[(c * width * height) + p] = (((c * 4) + p) * 2f / 255f) - 1f; // → byte (c·4 + p)
            }
        }

        var rgb = new byte[12];
        LatentImageConverter.ChwToRgb(chw, width, height, rgb);

        Assert.Equal(new byte[] { 0, 4, 8, 1, 5, 9, 2, 6, 10, 3, 7, 11 }, rgb);
    }

    [Theory]
    [InlineData(11, 12)]
    [InlineData(12, 11)]
    public void ChwToRgb_WhenABufferHasTheWrongLength_ThrowsArgumentException(int chwLength, int rgbLength)
    {
        Assert.Throws<ArgumentException>(() =>
            LatentImageConverter.ChwToRgb(new float[chwLength], 2, 2, new byte[rgbLength]));
    }

    [Fact]
    public void ChwToRgb_WhenWidthIsZero_ThrowsArgumentException()
    {
        Assert.ThrowsAny<ArgumentException>(() => LatentImageConverter.ChwToRgb([], 0, 2, []));
    }
}
