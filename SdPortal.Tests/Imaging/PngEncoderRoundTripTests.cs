using SdPortal.Inference.Imaging;

namespace SdPortal.Tests.Imaging;

public class PngEncoderRoundTripTests
{
    [Fact]
    public void Encode_WhenImageIsAGradient_DecodesToTheSamePixels()
    {
        const int width = 64, height = 48;
        var rgb = Gradient(width, height);

        var decoded = TestPngDecoder.Decode(PngEncoder.Encode(rgb, width, height));

        Assert.Equal(width, decoded.Width);
        Assert.Equal(height, decoded.Height);
        Assert.Equal(rgb, decoded.Rgb);
    }

    [Fact]
    public void Encode_WhenImageIsNoise_DecodesToTheSamePixels()
    {
        const int width = 37, height = 23; // odd sizes: no row is a multiple of anything convenient
        var rgb = new byte[width * height * 3];
        new Random(1234).NextBytes(rgb);

        var decoded = TestPngDecoder.Decode(PngEncoder.Encode(rgb, width, height));

        Assert.Equal(rgb, decoded.Rgb);
    }

    [Fact]
    public void Encode_WhenImageIsOnePixel_WritesAValidFile()
    {
        var decoded = TestPngDecoder.Decode(PngEncoder.Encode([10, 200, 30], 1, 1));

        Assert.Equal(new byte[] { 10, 200, 30 }, decoded.Rgb);
        Assert.Equal(["IHDR", "IDAT", "IEND"], decoded.Chunks.Select(c => c.Type));
    }

    [Fact]
    public void Encode_WhenRowsDifferInStructure_ChoosesDifferentFilters()
    {
        const int width = 32, height = 32;
        var rgb = Gradient(width, height);

        var decoded = TestPngDecoder.Decode(PngEncoder.Encode(rgb, width, height));

        // Row 0 has no row above, so Up/Average/Paeth degrade; later rows of a smooth gradient favour Up or Paeth.
        Assert.True(decoded.RowFilters.Distinct().Count() >= 2, string.Join(",", decoded.RowFilters));
        Assert.All(decoded.RowFilters, f => Assert.InRange(f, (byte)0, (byte)4));
    }

    [Fact]
    public void Encode_WhenImageIsLarge_SplitsDataAcrossIdatChunksThatDecodeTogether()
    {
        const int width = 1024, height = 1024; // random bytes do not compress: about 3 MiB of IDAT data
        var rgb = new byte[width * height * 3];
        new Random(99).NextBytes(rgb);

        var decoded = TestPngDecoder.Decode(PngEncoder.Encode(rgb, width, height));

        Assert.True(decoded.Chunks.Count(c => c.Type == "IDAT") > 1);
        Assert.Equal(rgb, decoded.Rgb);
    }

    internal static byte[] Gradient(int width, int height)
    {
        var rgb = new byte[width * height * 3];
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                var i = ((y * width) + x) * 3;
                rgb[i] = (byte)(x * 255 / (width - 1));
                rgb[i + 1] = (byte)(y * 255 / (height - 1));
                rgb[i + 2] = (byte)((x + y) * 4);
            }
        }

        return rgb;
    }
}
