using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace SdPortal.Inference.Imaging;

/// <summary>Reads the size and the text metadata (tEXt, zTXt, iTXt) of a PNG file without decoding its pixels.</summary>
public static class PngMetadataReader
{
    /// <summary>Compressed text is inflated up to this size; more is treated as a decompression bomb.</summary>
    private const int MaxInflatedTextBytes = 8 << 20;

    /// <summary>Returns every text chunk's keyword and text; when a keyword repeats, the first chunk wins.</summary>
    /// <exception cref="InvalidDataException">The data is not a well-formed PNG or a text chunk is malformed.</exception>
    public static IReadOnlyDictionary<string, string> ReadText(ReadOnlySpan<byte> png)
    {
        var texts = new Dictionary<string, string>(StringComparer.Ordinal);
        var chunks = new PngChunkReader(png);
        while (chunks.MoveNext(out var type, out var data))
        {
            (string Keyword, string Text)? entry = type switch
            {
                "tEXt" => ReadTextChunk(data),
                "zTXt" => ReadCompressedTextChunk(data),
                "iTXt" => ReadInternationalTextChunk(data),
                _ => null,
            };
            if (entry is var (keyword, text))
            {
                texts.TryAdd(keyword, text);
            }
        }

        return texts;
    }

    /// <summary>Returns the image size from the IHDR chunk, which the PNG spec requires to come first.</summary>
    /// <exception cref="InvalidDataException">The data is not a PNG or does not start with a valid IHDR.</exception>
    public static (int Width, int Height) ReadSize(ReadOnlySpan<byte> png)
    {
        var chunks = new PngChunkReader(png);
        if (!chunks.MoveNext(out var type, out var data) || type != "IHDR" || data.Length != 13)
        {
            throw new InvalidDataException("PNG does not start with a 13-byte IHDR chunk.");
        }

        return (BinaryPrimitives.ReadInt32BigEndian(data), BinaryPrimitives.ReadInt32BigEndian(data[4..]));
    }

    // tEXt: keyword NUL text, both Latin-1.
    private static (string, string) ReadTextChunk(ReadOnlySpan<byte> data)
    {
        var nul = IndexOfNul(data, "tEXt");
        return (Encoding.Latin1.GetString(data[..nul]), Encoding.Latin1.GetString(data[(nul + 1)..]));
    }

    // zTXt: keyword NUL method(0) zlib(Latin-1 text).
    private static (string, string) ReadCompressedTextChunk(ReadOnlySpan<byte> data)
    {
        var nul = IndexOfNul(data, "zTXt");
        var rest = data[(nul + 1)..];
        if (rest.IsEmpty || rest[0] != 0)
        {
            throw new InvalidDataException("PNG zTXt chunk uses an unknown compression method.");
        }

        return (Encoding.Latin1.GetString(data[..nul]), Encoding.Latin1.GetString(Inflate(rest[1..])));
    }

    // iTXt: keyword NUL flag method language NUL translated-keyword NUL text (UTF-8, zlib when flag is 1).
    private static (string, string) ReadInternationalTextChunk(ReadOnlySpan<byte> data)
    {
        var nul = IndexOfNul(data, "iTXt");
        var keyword = Encoding.Latin1.GetString(data[..nul]);
        var rest = data[(nul + 1)..];
        if (rest.Length < 2 || rest[0] > 1 || rest[1] != 0)
        {
            throw new InvalidDataException("PNG iTXt chunk has an invalid compression flag or method.");
        }

        var compressed = rest[0] == 1;
        rest = rest[2..];
        rest = rest[(IndexOfNul(rest, "iTXt") + 1)..]; // language tag
        rest = rest[(IndexOfNul(rest, "iTXt") + 1)..]; // translated keyword
        return (keyword, Encoding.UTF8.GetString(compressed ? Inflate(rest) : rest));
    }

    private static int IndexOfNul(ReadOnlySpan<byte> data, string type)
    {
        var nul = data.IndexOf((byte)0);
        return nul >= 0 ? nul : throw new InvalidDataException($"PNG {type} chunk lacks a NUL separator.");
    }

    private static byte[] Inflate(ReadOnlySpan<byte> zlibData)
    {
        using var input = new MemoryStream(zlibData.ToArray());
        using var zlib = new ZLibStream(input, CompressionMode.Decompress);
        using var output = new MemoryStream();
        var buffer = new byte[81920];
        int read;
        while ((read = zlib.Read(buffer)) > 0)
        {
            if (output.Length + read > MaxInflatedTextBytes)
            {
                throw new InvalidDataException($"PNG compressed text inflates past {MaxInflatedTextBytes} bytes.");
            }

            output.Write(buffer, 0, read);
        }

        return output.ToArray();
    }
}
