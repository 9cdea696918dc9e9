namespace SdPortal.Inference.Imaging;

/// <summary>
/// Applies PNG scanline filters and picks one per row. Each filter predicts a byte from its left neighbour a (the same
/// channel of the previous pixel), the byte above b and the byte above-left c, and stores the difference modulo 256.
/// </summary>
internal static class PngRowFilter
{
    /// <summary>
    /// Filters <paramref name="row"/> with every filter and writes the cheapest into <paramref name="destination"/>,
    /// using the heuristic the PNG spec suggests (§12.8): the smallest sum of the filtered bytes read as signed.
    /// </summary>
    /// <param name="row">The raw scanline.</param>
    /// <param name="prior">The raw scanline above, or empty for the first row (treated as zeros).</param>
    /// <param name="bytesPerPixel">3 for 8-bit RGB.</param>
    /// <param name="destination">Receives the filtered row (without the type byte).</param>
    /// <param name="scratch">A buffer the size of the row.</param>
    /// <returns>The chosen filter.</returns>
    public static PngFilterType FilterBest(ReadOnlySpan<byte> row, ReadOnlySpan<byte> prior, int bytesPerPixel,
        Span<byte> destination, Span<byte> scratch)
    {
        var best = PngFilterType.None;
        var bestCost = long.MaxValue;
        for (var type = PngFilterType.None; type <= PngFilterType.Paeth; type++)
        {
            Apply(type, row, prior, bytesPerPixel, scratch);
            var cost = SignedAbsoluteSum(scratch);
            if (cost < bestCost)
            {
                bestCost = cost;
                best = type;
                scratch.CopyTo(destination);
            }
        }

        return best;
    }

    /// <summary>Filters <paramref name="row"/> with one filter (PNG spec §9.2).</summary>
    public static void Apply(PngFilterType type, ReadOnlySpan<byte> row, ReadOnlySpan<byte> prior, int bytesPerPixel,
        Span<byte> destination)
    {
        for (var i = 0; i < row.Length; i++)
        {
            int a = i >= bytesPerPixel ? row[i - bytesPerPixel] : 0;
            int b = prior.IsEmpty ? 0 : prior[i];
            int c = i >= bytesPerPixel && !prior.IsEmpty ? prior[i - bytesPerPixel] : 0;
            var prediction = type switch
            {
                PngFilterType.None => 0,
                PngFilterType.Sub => a,
                PngFilterType.Up => b,
                PngFilterType.Average => (a + b) >> 1,
                PngFilterType.Paeth => Paeth(a, b, c),
                _ => throw new ArgumentOutOfRangeException(nameof(type), type, "PNG defines filter types 0-4."),
            };
            destination[i] = (byte)(row[i] - prediction);
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

    private static long SignedAbsoluteSum(ReadOnlySpan<byte> filtered)
    {
        long sum = 0;
        foreach (var value in filtered)
        {
            sum += Math.Abs((int)(sbyte)value);
        }

        return sum;
    }
}
