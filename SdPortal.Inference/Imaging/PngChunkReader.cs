using System.Buffers.Binary;
using System.IO.Hashing;
using System.Text;

namespace SdPortal.Inference.Imaging;

/// <summary>Walks the chunks of a PNG file, checking the signature, the chunk bounds and every CRC.</summary>
internal ref struct PngChunkReader
{
    private readonly ReadOnlySpan<byte> _png;
    private int _offset;

    /// <exception cref="InvalidDataException">The data does not start with the PNG signature.</exception>
    public PngChunkReader(ReadOnlySpan<byte> png)
    {
        if (!png.StartsWith(PngChunkWriter.Signature))
        {
            throw new InvalidDataException("Not a PNG file: the 8-byte PNG signature is missing.");
        }

        _png = png;
        _offset = PngChunkWriter.Signature.Length;
    }

    /// <summary>Reads the next chunk; false after IEND or at the end of the data.</summary>
    /// <exception cref="InvalidDataException">A chunk runs past the end of the data or its CRC does not match.</exception>
    public bool MoveNext(out string type, out ReadOnlySpan<byte> data)
    {
        type = string.Empty;
        data = default;
        if (_offset >= _png.Length)
        {
            return false;
        }

        // length (4) + type (4) + data + CRC (4)
        if (_png.Length - _offset < 12)
        {
            throw new InvalidDataException($"PNG truncated: a chunk header at byte {_offset} is incomplete.");
        }

        var length = BinaryPrimitives.ReadUInt32BigEndian(_png[_offset..]);
        if (length > int.MaxValue || length > (uint)(_png.Length - _offset - 12))
        {
            throw new InvalidDataException($"PNG truncated: the chunk at byte {_offset} claims {length} bytes of data.");
        }

        var typeAndData = _png.Slice(_offset + 4, 4 + (int)length);
        var storedCrc = BinaryPrimitives.ReadUInt32BigEndian(_png[(_offset + 8 + (int)length)..]);
        type = Encoding.ASCII.GetString(typeAndData[..4]);
        if (Crc32.HashToUInt32(typeAndData) != storedCrc)
        {
            throw new InvalidDataException($"PNG chunk {type} at byte {_offset} fails its CRC check.");
        }

        data = typeAndData[4..];
        _offset += 12 + (int)length;
        if (type == "IEND")
        {
            _offset = _png.Length;
        }

        return true;
    }
}
