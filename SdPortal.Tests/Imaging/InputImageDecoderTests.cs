using System.Buffers.Binary;
using System.IO.Compression;
using SdPortal.Inference.Imaging;
using SkiaSharp;

namespace SdPortal.Tests.Imaging;

/// <summary>InputImageDecoder: the three accepted formats, transparency, and every refusal.</summary>
public class InputImageDecoderTests
{
    private static SKColor Pattern(int x, int y) => new((byte)(x * 7), (byte)(y * 11), (byte)((x + y) * 3));

    [Fact]
    public void Decode_Png_GivesTheEncodedPixelsExactly()
    {
        var file = TestImageFiles.Encode(20, 10, Pattern);

        var image = InputImageDecoder.Decode(file, InputImageLimits.Default);

        Assert.Equal((20, 10), (image.Width, image.Height));
        for (var y = 0; y < 10; y++)
        {
            for (var x = 0; x < 20; x++)
            {
                var expected = Pattern(x, y);
                var o = image.OffsetOf(x, y);
                Assert.Equal((expected.Red, expected.Green, expected.Blue),
                    (image.Pixels[o], image.Pixels[o + 1], image.Pixels[o + 2]));
            }
        }
    }

    [Theory]
    [InlineData(SKEncodedImageFormat.Jpeg)]
    [InlineData(SKEncodedImageFormat.Webp)]
    public void Decode_LossyFormats_GiveTheColourWithinCompressionError(SKEncodedImageFormat format)
    {
        // A flat colour: lossy codecs reproduce it closely; the tolerance allows YCbCr rounding only.
        var file = TestImageFiles.Encode(32, 16, (_, _) => new SKColor(200, 40, 90), format, 95);

        var image = InputImageDecoder.Decode(file, InputImageLimits.Default);

        Assert.Equal((32, 16), (image.Width, image.Height));
        var o = image.OffsetOf(16, 8);
        Assert.InRange(image.Pixels[o], 195, 205);
        Assert.InRange(image.Pixels[o + 1], 35, 45);
        Assert.InRange(image.Pixels[o + 2], 85, 95);
    }

    [Fact]
    public void Decode_TransparentPixels_AreCompositedOntoWhite()
    {
        // Left column fully transparent black, right column red at alpha 128.
        var file = TestImageFiles.Encode(2, 1, (x, _) => x == 0 ? new SKColor(0, 0, 0, 0) : new SKColor(255, 0, 0, 128));

        var image = InputImageDecoder.Decode(file, InputImageLimits.Default);

        Assert.Equal(new byte[] { 255, 255, 255 }, image.Pixels[..3]);
        // c·a/255 + 255·(255 − a)/255: red 255, green and blue 255·127/255 = 127.
        Assert.Equal(new byte[] { 255, 127, 127 }, image.Pixels[3..]);
    }

    [Theory]
    [InlineData(SKEncodedImageFormat.Png, "png")]
    [InlineData(SKEncodedImageFormat.Jpeg, "jpeg")]
    [InlineData(SKEncodedImageFormat.Webp, "webp")]
    public void Probe_NamesTheFormatAndSize(SKEncodedImageFormat format, string name)
    {
        var file = TestImageFiles.Encode(24, 8, Pattern, format);

        Assert.Equal(new InputImageInfo(name, 24, 8), InputImageDecoder.Probe(file));
    }

    public static TheoryData<string, byte[]> UnsupportedFiles() => new()
    {
        { "gif", [.. "GIF89a"u8, 1, 0, 1, 0, 0x80, 0, 0, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0x2C, 0, 0, 0, 0, 1, 0, 1, 0, 0, 2, 2, 0x44, 1, 0, 0x3B] },
        { "bmp", [.. "BM"u8, 58, 0, 0, 0, 0, 0, 0, 0, 54, 0, 0, 0, 40, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 24, 0] },
        { "random", RandomBytes() },
        { "empty", [] },
    };

    [Theory]
    [MemberData(nameof(UnsupportedFiles))]
    public void Decode_OtherFormats_AreRefusedAsUnsupported(string what, byte[] file)
    {
        var refusal = Assert.Throws<InputImageException>(() => InputImageDecoder.Decode(file, InputImageLimits.Default));
        Assert.True(refusal.Message == "not a PNG, JPEG or WebP image", what);
        Assert.Throws<InputImageException>(() => InputImageDecoder.Probe(file));
    }

    [Theory]
    [InlineData(SKEncodedImageFormat.Png)]
    [InlineData(SKEncodedImageFormat.Jpeg)]
    public void Decode_TruncatedFile_IsRefused(SKEncodedImageFormat format)
    {
        var file = TestImageFiles.Encode(64, 64, (x, y) => new SKColor((byte)(x * y), (byte)x, (byte)y), format);

        var truncated = file[..(file.Length / 2)];

        var refusal = Assert.Throws<InputImageException>(() => InputImageDecoder.Decode(truncated, InputImageLimits.Default));
        Assert.Equal("the image is damaged or truncated", refusal.Message);
    }

    [Fact]
    public void Decode_PngHeaderClaimingAHugePicture_IsRefusedFromTheHeaderWithoutAllocatingPixels()
    {
        var file = PngWithHeaderOnly(100_000, 100_000);
        InputImageException? refusal = null;

        var before = GC.GetAllocatedBytesForCurrentThread();
        try
        {
            InputImageDecoder.Decode(file, InputImageLimits.Default);
        }
        catch (InputImageException e)
        {
            refusal = e;
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.NotNull(refusal);
        Assert.Equal("100000×100000 pixels has a side over the limit of 8192", refusal.Message);
        Assert.True(allocated < 1_000_000, $"{allocated} bytes allocated");
    }

    [Fact]
    public void Decode_OverThePixelLimit_NamesTheLimit()
    {
        var file = TestImageFiles.Encode(80, 90, Pattern);

        var refusal = Assert.Throws<InputImageException>(() =>
            InputImageDecoder.Decode(file, new InputImageLimits(MaxPixels: 7000)));

        Assert.Equal("80×90 pixels is over the limit of 7000", refusal.Message);
    }

    [Fact]
    public void Decode_OverTheByteLimit_IsRefusedBeforeReading()
    {
        var file = TestImageFiles.Encode(8, 8, Pattern);

        var refusal = Assert.Throws<InputImageException>(() =>
            InputImageDecoder.Decode(file, new InputImageLimits(MaxBytes: file.Length - 1)));

        Assert.Equal($"the file is {file.Length} bytes, over the limit of {file.Length - 1}", refusal.Message);
    }

    [Fact]
    public void DecodeMask_WithTransparency_UsesTheAlphaThresholdedAbove128()
    {
        // Colours are black everywhere: only the alpha can make a pixel "repaint".
        byte[] alphas = [0, 128, 129, 255];
        var file = TestImageFiles.Encode(4, 1, (x, _) => new SKColor(0, 0, 0, alphas[x]));

        var mask = InputImageDecoder.DecodeMask(file, InputImageLimits.Default);

        Assert.Equal(new byte[] { 0, 0, 255, 255 }, mask.Values);
    }

    [Fact]
    public void DecodeMask_Opaque_UsesTheLuma()
    {
        var file = TestImageFiles.Encode(3, 1, (x, _) => x switch
        {
            0 => SKColors.White,
            1 => SKColors.Black,
            _ => new SKColor(255, 0, 0),
        });

        var mask = InputImageDecoder.DecodeMask(file, InputImageLimits.Default);

        // ITU-R 601-2: pure red is 0.299 · 255 = 76.2 → 76.
        Assert.Equal(new byte[] { 255, 0, 76 }, mask.Values);
    }

    /// <summary>A PNG whose IHDR claims the size, with a tiny IDAT: valid up to the point where pixels would be read.</summary>
    private static byte[] PngWithHeaderOnly(int width, int height)
    {
        var header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, width);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), height);
        header[8] = 8; // bit depth
        header[9] = 2; // RGB
        using var png = new MemoryStream();
        png.Write(PngChunkWriter.Signature);
        PngChunkWriter.Write(png, "IHDR", header);
        using var idat = new MemoryStream();
        using (var zlib = new ZLibStream(idat, CompressionLevel.Fastest, leaveOpen: true))
        {
            zlib.Write(new byte[16]);
        }

        PngChunkWriter.Write(png, "IDAT", idat.ToArray());
        PngChunkWriter.Write(png, "IEND", []);
        return png.ToArray();
    }

    private static byte[] RandomBytes()
    {
        var bytes = new byte[4096];
        new Random(7).NextBytes(bytes);
        bytes[0] = 0x42; // not 0x89, 0xFF or 'R' by chance
        return bytes;
    }
}
