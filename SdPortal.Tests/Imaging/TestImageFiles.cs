using SkiaSharp;

namespace SdPortal.Tests.Imaging;

/// <summary>Image files made in the test with SkiaSharp's encoders, so each decode test knows what the pixels were.</summary>
internal static class TestImageFiles
{
    /// <summary>Encodes a picture whose colour at (x, y) is <paramref name="colour"/>(x, y), straight alpha.</summary>
    public static byte[] Encode(int width, int height, Func<int, int, SKColor> colour,
        SKEncodedImageFormat format = SKEncodedImageFormat.Png, int quality = 100)
    {
        using var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                bitmap.SetPixel(x, y, colour(x, y));
            }
        }

        using var data = bitmap.Encode(format, quality);
        return data.ToArray();
    }

    /// <summary>
    /// A JPEG with an EXIF APP1 segment holding only an Orientation tag (0x0112), inserted right after SOI: a
    /// little-endian TIFF header, one IFD of one SHORT entry. SkiaSharp's encoder writes no EXIF itself.
    /// </summary>
    public static byte[] JpegWithOrientation(byte[] jpeg, ushort orientation)
    {
        byte[] tiff =
        [
            (byte)'I', (byte)'I', 42, 0, 8, 0, 0, 0, // header: little-endian, magic 42, IFD at offset 8
            1, 0, // one entry
            0x12, 0x01, 3, 0, 1, 0, 0, 0, (byte)orientation, (byte)(orientation >> 8), 0, 0, // Orientation, SHORT, 1
            0, 0, 0, 0, // no next IFD
        ];
        byte[] exifId = [(byte)'E', (byte)'x', (byte)'i', (byte)'f', 0, 0];
        var segmentLength = 2 + exifId.Length + tiff.Length;
        using var file = new MemoryStream();
        file.Write(jpeg, 0, 2); // SOI
        file.Write([0xFF, 0xE1, (byte)(segmentLength >> 8), (byte)segmentLength]);
        file.Write(exifId);
        file.Write(tiff);
        file.Write(jpeg, 2, jpeg.Length - 2);
        return file.ToArray();
    }
}
