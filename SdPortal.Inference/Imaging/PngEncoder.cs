using System.Buffers.Binary;
using System.IO.Compression;

namespace SdPortal.Inference.Imaging;

/// <summary>
/// A small PNG encoder for generated images: 8-bit RGB (colour type 2), no interlacing, each row filtered
/// (<see cref="PngRowFilter.For"/>), zlib-compressed image data at zlib's default level, and text chunks for generation metadata (prompt, seed, sampler).
/// </summary>
public static class PngEncoder
{
    private const int BytesPerPixel = 3;
    private const byte BitDepth = 8;
    private const byte ColourTypeRgb = 2;

    /// <summary>Image data is split into IDAT chunks of at most this size (any split is valid; this bounds each chunk).</summary>
    private const int MaxIdatLength = 1 << 20;

    /// <summary>Encodes an RGB image as a PNG file.</summary>
    /// <param name="rgb">Pixels row by row, top to bottom, three bytes (R, G, B) per pixel.</param>
    /// <param name="width">Width in pixels, at least 1.</param>
    /// <param name="height">Height in pixels, at least 1.</param>
    /// <param name="textChunks">
    /// Keyword/text pairs, written before the image data in the given order: tEXt for Latin-1 text, iTXt (UTF-8)
    /// otherwise. Keywords must be 1-79 printable Latin-1 characters; text must not contain NUL.
    /// </param>
    /// <returns>The complete PNG file.</returns>
    /// <exception cref="ArgumentException">
    /// A dimension is not positive, <paramref name="rgb"/> is not width × height × 3 bytes, or a text chunk is invalid.
    /// </exception>
    public static byte[] Encode(ReadOnlySpan<byte> rgb, int width, int height,
        IReadOnlyList<KeyValuePair<string, string>>? textChunks = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        var stride = (long)width * BytesPerPixel;
        if (rgb.Length != stride * height)
        {
            throw new ArgumentException(
                $"Expected {stride * height} bytes for a {width}x{height} RGB image, got {rgb.Length}.", nameof(rgb));
        }

        // Build the text chunks first so that invalid metadata fails before any compression work.
        var texts = (textChunks ?? []).Select(pair => PngTextChunk.Build(pair.Key, pair.Value)).ToList();

        using var png = new MemoryStream();
        png.Write(PngChunkWriter.Signature);
        PngChunkWriter.Write(png, "IHDR", Header(width, height));
        foreach (var (type, data) in texts)
        {
            PngChunkWriter.Write(png, type, data);
        }

        using var compressed = new MemoryStream();
        CompressScanlines(rgb, (int)stride, height, compressed);
        var imageData = compressed.GetBuffer().AsSpan(0, (int)compressed.Length);
        for (var offset = 0; offset < imageData.Length; offset += MaxIdatLength)
        {
            PngChunkWriter.Write(png, "IDAT", imageData.Slice(offset, Math.Min(MaxIdatLength, imageData.Length - offset)));
        }

        PngChunkWriter.Write(png, "IEND", []);
        return png.ToArray();
    }

    // IHDR (PNG spec §11.2.2): width, height, bit depth, colour type, compression 0, filter method 0, no interlace.
    private static byte[] Header(int width, int height)
    {
        var header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, width);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), height);
        header[8] = BitDepth;
        header[9] = ColourTypeRgb;
        return header;
    }

    // Each scanline becomes its filter type byte followed by the filtered bytes; the whole is one zlib stream.
    private static void CompressScanlines(ReadOnlySpan<byte> rgb, int stride, int height, Stream output)
    {
        using var zlib = new ZLibStream(output, CompressionLevel.Optimal, leaveOpen: true);
        var line = new byte[1 + stride];
        for (var y = 0; y < height; y++)
        {
            var row = rgb.Slice(y * stride, stride);
            var prior = y == 0 ? ReadOnlySpan<byte>.Empty : rgb.Slice((y - 1) * stride, stride);
            var filter = PngRowFilter.For(y);
            line[0] = (byte)filter;
            PngRowFilter.Apply(filter, row, prior, BytesPerPixel, line.AsSpan(1));
            zlib.Write(line);
        }
    }
}
