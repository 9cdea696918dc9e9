using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace SdPortal.Inference.Cli;

/// <summary>
/// A float array read from a NumPy .npy file (format versions 1–3): float32 or float16, either byte order, C order only.
/// Values are widened to float32.
/// </summary>
/// <param name="Shape">The array's shape.</param>
/// <param name="Data">The values in C (row-major) order.</param>
public sealed partial record NpyArray(IReadOnlyList<int> Shape, float[] Data)
{
    // "\x93NUMPY": one byte 0x93, then ASCII (a "\x93"u8 literal would encode U+0093 as two UTF-8 bytes).
    private static ReadOnlySpan<byte> Magic => [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    /// <summary>Reads the .npy file at <paramref name="path"/>.</summary>
    /// <exception cref="InvalidDataException">The file is not a C-order float16/float32 .npy array.</exception>
    public static NpyArray Read(string path)
    {
        var bytes = File.ReadAllBytes(path);
        try
        {
            return Parse(bytes);
        }
        catch (InvalidDataException ex)
        {
            throw new InvalidDataException($"{path}: {ex.Message}", ex);
        }
    }

    /// <summary>Parses the bytes of a .npy file.</summary>
    /// <exception cref="InvalidDataException">The bytes are not a C-order float16/float32 .npy array.</exception>
    public static NpyArray Parse(ReadOnlySpan<byte> file)
    {
        if (file.Length < 10 || !file[..6].SequenceEqual(Magic))
        {
            throw new InvalidDataException("not a .npy file (bad magic)");
        }

        var major = file[6];
        var (headerLength, headerStart) = major switch
        {
            1 => (BinaryPrimitives.ReadUInt16LittleEndian(file[8..]), 10),
            2 or 3 when file.Length >= 12 => ((int)BinaryPrimitives.ReadUInt32LittleEndian(file[8..]), 12),
            _ => throw new InvalidDataException($"unsupported .npy format version {major}"),
        };
        if (headerStart + headerLength > file.Length)
        {
            throw new InvalidDataException("the header runs past the end of the file");
        }

        var header = Encoding.UTF8.GetString(file.Slice(headerStart, headerLength));
        var (elementSize, bigEndian) = ParseDescr(header);
        var order = FortranOrder().Match(header);
        if (!order.Success || order.Groups[1].Value != "False")
        {
            throw new InvalidDataException("only C-order arrays are supported (fortran_order must be False)");
        }

        var shape = ParseShape(header);
        var count = shape.Aggregate(1L, (a, b) => a * b);
        var data = file[(headerStart + headerLength)..];
        if (data.Length != count * elementSize)
        {
            throw new InvalidDataException(
                $"shape ({string.Join(", ", shape)}) needs {count * elementSize} bytes of data; the file has {data.Length}");
        }

        var values = new float[count];
        for (var i = 0; i < values.Length; i++)
        {
            var element = data.Slice(i * elementSize, elementSize);
            values[i] = elementSize == 4
                ? (bigEndian ? BinaryPrimitives.ReadSingleBigEndian(element) : BinaryPrimitives.ReadSingleLittleEndian(element))
                : (float)(bigEndian ? BinaryPrimitives.ReadHalfBigEndian(element) : BinaryPrimitives.ReadHalfLittleEndian(element));
        }

        return new NpyArray(shape, values);
    }

    private static (int ElementSize, bool BigEndian) ParseDescr(string header)
    {
        var descr = Descr().Match(header);
        if (!descr.Success)
        {
            throw new InvalidDataException("the header has no 'descr'");
        }

        var bigEndian = descr.Groups[1].Value == ">";
        return descr.Groups[2].Value switch
        {
            "f4" => (4, bigEndian),
            "f2" => (2, bigEndian),
            var other => throw new InvalidDataException($"dtype '{descr.Groups[1].Value}{other}' is not float32 or float16"),
        };
    }

    private static int[] ParseShape(string header)
    {
        var shape = ShapeEntry().Match(header);
        if (!shape.Success)
        {
            throw new InvalidDataException("the header has no 'shape'");
        }

        return shape.Groups[1].Value
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(d => int.TryParse(d, NumberStyles.None, CultureInfo.InvariantCulture, out var n)
                ? n
                : throw new InvalidDataException($"bad shape dimension '{d}'"))
            .ToArray();
    }

    [GeneratedRegex(@"'descr'\s*:\s*'([<>=|]?)([a-z]\d+)'")]
    private static partial Regex Descr();

    [GeneratedRegex(@"'fortran_order'\s*:\s*(True|False)")]
    private static partial Regex FortranOrder();

    [GeneratedRegex(@"'shape'\s*:\s*\(([^)]*)\)")]
    private static partial Regex ShapeEntry();
}
