using System.Buffers.Binary;
using System.IO.Hashing;
using System.Text;

namespace SdPortal.Inference.Imaging;

/// <summary>Writes PNG chunks: 4-byte big-endian data length, 4-byte type, data, CRC-32 of type and data.</summary>
internal static class PngChunkWriter
{
    /// <summary>The eight bytes every PNG starts with (PNG spec §5.2).</summary>
    public static ReadOnlySpan<byte> Signature => [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>Appends one chunk to <paramref name="output"/>.</summary>
    public static void Write(Stream output, string type, ReadOnlySpan<byte> data)
    {
        Span<byte> typeBytes = stackalloc byte[4];
        Encoding.ASCII.GetBytes(type, typeBytes);

        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(word, (uint)data.Length);
        output.Write(word);
        output.Write(typeBytes);
        output.Write(data);

        // The CRC covers the type and the data but not the length (PNG spec §5.3); CRC-32/ISO-HDLC as in zlib.
        var crc = new Crc32();
        crc.Append(typeBytes);
        crc.Append(data);
        BinaryPrimitives.WriteUInt32BigEndian(word, crc.GetCurrentHashAsUInt32());
        output.Write(word);
    }
}
