using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace SdPortal.Tests.Imaging;

/// <summary>
/// A deliberately separate PNG reader for tests: its own CRC-32 (bitwise, polynomial 0xEDB88320) and its own
/// reconstruction of all five filters (PNG spec §9), for 8-bit RGB non-interlaced images.
/// </summary>
internal sealed class TestPngDecoder
{
    private static readonly byte[] Signature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    public required int Width { get; init; }

    public required int Height { get; init; }

    /// <summary>Pixels as interleaved RGB bytes.</summary>
    public required byte[] Rgb { get; init; }

    /// <summary>The chunks in file order: type and data.</summary>
    public required List<(string Type, byte[] Data)> Chunks { get; init; }

    /// <summary>The filter type byte of each scanline.</summary>
    public required byte[] RowFilters { get; init; }

    public static TestPngDecoder Decode(byte[] png)
    {
        Assert.Equal(Signature, png[..8]);
        var chunks = new List<(string, byte[])>();
        for (var offset = 8; offset < png.Length;)
        {
            var length = (int)BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(offset));
            var typeAndData = png.AsSpan(offset + 4, 4 + length);
            var crc = BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(offset + 8 + length));
            Assert.Equal(Crc32(typeAndData), crc);
            chunks.Add((Encoding.ASCII.GetString(typeAndData[..4]), typeAndData[4..].ToArray()));
            offset += 12 + length;
        }

        Assert.Equal("IHDR", chunks[0].Item1);
        Assert.Equal("IEND", chunks[^1].Item1);
        var header = chunks[0].Item2;
        var width = BinaryPrimitives.ReadInt32BigEndian(header);
        var height = BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(4));
        Assert.Equal(new byte[] { 8, 2, 0, 0, 0 }, header[8..]); // 8-bit, RGB, deflate, filter method 0, no interlace

        var idat = chunks.Where(c => c.Item1 == "IDAT").SelectMany(c => c.Item2).ToArray();
        using var zlib = new ZLibStream(new MemoryStream(idat), CompressionMode.Decompress);
        using var raw = new MemoryStream();
        zlib.CopyTo(raw);
        var (rgb, filters) = Unfilter(raw.ToArray(), width, height);
        return new TestPngDecoder { Width = width, Height = height, Rgb = rgb, Chunks = chunks, RowFilters = filters };
    }

    /// <summary>Reverses the per-row filters of decompressed image data.</summary>
    public static (byte[] Rgb, byte[] Filters) Unfilter(byte[] data, int width, int height)
    {
        const int bpp = 3;
        var stride = width * bpp;
        Assert.Equal(height * (stride + 1), data.Length);
        var rgb = new byte[height * stride];
        var filters = new byte[height];
        for (var y = 0; y < height; y++)
        {
            filters[y] = data[y * (stride + 1)];
            for (var x = 0; x < stride; x++)
            {
                var filtered = data[(y * (stride + 1)) + 1 + x];
                var a = x >= bpp ? rgb[(y * stride) + x - bpp] : 0;
                var b = y > 0 ? rgb[((y - 1) * stride) + x] : 0;
                var c = x >= bpp && y > 0 ? rgb[((y - 1) * stride) + x - bpp] : 0;
                var predictor = filters[y] switch
                {
                    0 => 0,
                    1 => a,
                    2 => b,
                    3 => (a + b) / 2,
                    4 => PaethPredictor(a, b, c),
                    _ => throw new InvalidDataException($"Row {y} has filter type {filters[y]}."),
                };
                rgb[(y * stride) + x] = (byte)(filtered + predictor);
            }
        }

        return (rgb, filters);
    }

    private static int PaethPredictor(int a, int b, int c)
    {
        int p = a + b - c, pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
        if (pa <= pb && pa <= pc)
        {
            return a;
        }

        return pb <= pc ? b : c;
    }

    private static uint Crc32(ReadOnlySpan<byte> bytes)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var value in bytes)
        {
            crc ^= value;
            for (var bit = 0; bit < 8; bit++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
            }
        }

        return ~crc;
    }
}
