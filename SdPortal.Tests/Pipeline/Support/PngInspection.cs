using System.Buffers.Binary;
using System.IO.Compression;
using SdPortal.Inference.Imaging;

namespace SdPortal.Tests.Pipeline.Support;

/// <summary>Reads back what the pipeline wrote into a PNG: size, text chunks and the RGB pixels.</summary>
public static class PngInspection
{
    public static (int Width, int Height) Size(byte[] png) => PngMetadataReader.ReadSize(png);

    public static string Text(byte[] png, string keyword) =>
        PngMetadataReader.ReadText(png).Single(kv => kv.Key == keyword).Value;

    /// <summary>Decodes an 8-bit RGB, non-interlaced PNG to its raw pixels (so images compare apart from their text).</summary>
    public static byte[] Pixels(byte[] png)
    {
        var (width, height) = Size(png);
        using var idat = new MemoryStream();
        for (var offset = 8; offset < png.Length;)
        {
            var length = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(offset));
            var type = System.Text.Encoding.ASCII.GetString(png, offset + 4, 4);
            if (type == "IHDR")
            {
                Assert.Equal(8, png[offset + 16]); // bit depth
                Assert.Equal(2, png[offset + 17]); // colour type RGB
                Assert.Equal(0, png[offset + 20]); // no interlace
            }
            else if (type == "IDAT")
            {
                idat.Write(png, offset + 8, length);
            }

            offset += 12 + length;
        }

        idat.Position = 0;
        using var zlib = new ZLibStream(idat, CompressionMode.Decompress);
        using var raw = new MemoryStream();
        zlib.CopyTo(raw);
        return Unfilter(raw.ToArray(), width, height);
    }

    // PNG filter types 0–4 (PNG spec §9.2), bytes per pixel 3.
    private static byte[] Unfilter(byte[] data, int width, int height)
    {
        const int Bpp = 3;
        var stride = width * Bpp;
        var pixels = new byte[stride * height];
        for (var y = 0; y < height; y++)
        {
            var filter = data[y * (stride + 1)];
            var line = data.AsSpan((y * (stride + 1)) + 1, stride);
            var row = pixels.AsSpan(y * stride, stride);
            var previous = y > 0 ? pixels.AsSpan((y - 1) * stride, stride) : new byte[stride];
            for (var x = 0; x < stride; x++)
            {
                int a = x >= Bpp ? row[x - Bpp] : 0, b = previous[x], c = x >= Bpp ? previous[x - Bpp] : 0;
                row[x] = (byte)(line[x] + filter switch
                {
                    0 => 0,
                    1 => a,
                    2 => b,
                    3 => (a + b) / 2,
                    4 => Paeth(a, b, c),
                    _ => throw new InvalidDataException($"bad filter {filter}"),
                });
            }
        }

        return pixels;
    }

    private static int Paeth(int a, int b, int c)
    {
        var p = a + b - c;
        var (pa, pb, pc) = (Math.Abs(p - a), Math.Abs(p - b), Math.Abs(p - c));
        return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }
}
