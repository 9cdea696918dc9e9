using System.Numerics;

namespace SdPortal.Inference.Imaging;

/// <summary>
/// PNG scanline filters (PNG spec §9.2). Each filter predicts a byte from its left neighbour a (the same channel of the
/// previous pixel), the byte above b and the byte above-left c, and stores the difference modulo 256. One loop per
/// filter, so the choice is made once per row rather than once per byte.
/// </summary>
internal static class PngRowFilter
{
    /// <summary>
    /// The filter the encoder uses for a row: Up, except on the first row, which has nothing above it (Up would be
    /// None there) and takes Sub. Measured on photo-like 256² and 512² images (docs/benchmarks.md, "PNG encoding"):
    /// choosing per row among all five filters by the spec's minimum-sum heuristic made files 1–2 % smaller at three to
    /// five times the encoding time, and zlib's smallest-size level made them larger, not smaller, than its default.
    /// </summary>
    public static PngFilterType For(int y) => y == 0 ? PngFilterType.Sub : PngFilterType.Up;

    /// <summary>Filters <paramref name="row"/> with one filter into <paramref name="destination"/>.</summary>
    /// <param name="type">The filter.</param>
    /// <param name="row">The raw scanline.</param>
    /// <param name="prior">The raw scanline above, or empty for the first row (treated as zeros).</param>
    /// <param name="bytesPerPixel">3 for 8-bit RGB.</param>
    /// <param name="destination">Receives the filtered row (without the type byte); as long as the row.</param>
    public static void Apply(PngFilterType type, ReadOnlySpan<byte> row, ReadOnlySpan<byte> prior, int bytesPerPixel,
        Span<byte> destination)
    {
        if (prior.IsEmpty && type is PngFilterType.Up or PngFilterType.Average or PngFilterType.Paeth)
        {
            // With zeros above, Up is None, Average halves the left neighbour and Paeth predicts the left neighbour.
            ApplyFirstRow(type, row, bytesPerPixel, destination);
            return;
        }

        switch (type)
        {
            case PngFilterType.None:
                row.CopyTo(destination);
                break;
            case PngFilterType.Sub:
                Sub(row, bytesPerPixel, destination);
                break;
            case PngFilterType.Up:
                Up(row, prior, destination);
                break;
            case PngFilterType.Average:
                Average(row, prior, bytesPerPixel, destination);
                break;
            case PngFilterType.Paeth:
                PaethRow(row, prior, bytesPerPixel, destination);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(type), type, "PNG defines filter types 0-4.");
        }
    }

    /// <summary>The Paeth predictor (PNG spec §9.4): whichever of a, b, c is closest to a + b - c, ties to a then b.</summary>
    public static int Paeth(int a, int b, int c)
    {
        var p = a + b - c;
        var pa = Math.Abs(p - a);
        var pb = Math.Abs(p - b);
        var pc = Math.Abs(p - c);
        return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }

    private static void ApplyFirstRow(PngFilterType type, ReadOnlySpan<byte> row, int bytesPerPixel, Span<byte> destination)
    {
        switch (type)
        {
            case PngFilterType.Up:
                row.CopyTo(destination);
                break;
            case PngFilterType.Paeth:
                Sub(row, bytesPerPixel, destination);
                break;
            default:
                for (var i = 0; i < row.Length; i++)
                {
                    destination[i] = (byte)(row[i] - ((i >= bytesPerPixel ? row[i - bytesPerPixel] : 0) >> 1));
                }

                break;
        }
    }

    private static void Sub(ReadOnlySpan<byte> row, int bytesPerPixel, Span<byte> destination)
    {
        row[..bytesPerPixel].CopyTo(destination);
        for (var i = bytesPerPixel; i < row.Length; i++)
        {
            destination[i] = (byte)(row[i] - row[i - bytesPerPixel]);
        }
    }

    // Byte-wise subtraction wraps modulo 256, as the filter defines, so whole vectors are filtered at once.
    private static void Up(ReadOnlySpan<byte> row, ReadOnlySpan<byte> prior, Span<byte> destination)
    {
        var i = 0;
        for (; i <= row.Length - Vector<byte>.Count; i += Vector<byte>.Count)
        {
            (new Vector<byte>(row[i..]) - new Vector<byte>(prior[i..])).CopyTo(destination[i..]);
        }

        for (; i < row.Length; i++)
        {
            destination[i] = (byte)(row[i] - prior[i]);
        }
    }

    private static void Average(ReadOnlySpan<byte> row, ReadOnlySpan<byte> prior, int bytesPerPixel, Span<byte> destination)
    {
        for (var i = 0; i < row.Length; i++)
        {
            var a = i >= bytesPerPixel ? row[i - bytesPerPixel] : 0;
            destination[i] = (byte)(row[i] - ((a + prior[i]) >> 1));
        }
    }

    private static void PaethRow(ReadOnlySpan<byte> row, ReadOnlySpan<byte> prior, int bytesPerPixel, Span<byte> destination)
    {
        for (var i = 0; i < row.Length; i++)
        {
            var left = i >= bytesPerPixel;
            destination[i] = (byte)(row[i] - Paeth(left ? row[i - bytesPerPixel] : 0, prior[i], left ? prior[i - bytesPerPixel] : 0));
        }
    }
}
