namespace SdPortal.Inference.Imaging;

/// <summary>
/// Resamples interleaved 8-bit pixels with a Lanczos-3 filter the way Pillow's <c>Image.resize(LANCZOS)</c> does, which
/// is what A1111 uses to fit an init image or mask: two separable passes, and when shrinking the kernel widens by the
/// scale factor so every source pixel contributes (no aliasing on a 4000 → 512 reduction, which a fixed-width cubic
/// would show).
/// </summary>
/// <remarks>
/// A source box (fractional, in source pixels) selects the part of the source that maps onto the output, as Pillow's
/// <c>resize(size, box=...)</c>; the filter window is clamped to the whole source, not the box, so resizing a box
/// equals resizing the whole picture and cropping, without the large intermediate. The passes keep float precision
/// between them and round once at the end (Pillow rounds to 8 bits after each pass: results may differ by one level).
/// </remarks>
internal static class LanczosResampler
{
    private const double Support = 3.0;

    /// <summary>Resamples the source box onto an output of the given size.</summary>
    /// <param name="source">Row-major pixels, <paramref name="channels"/> bytes each.</param>
    /// <param name="sourceWidth">Source width.</param>
    /// <param name="sourceHeight">Source height.</param>
    /// <param name="channels">Bytes per pixel (3 for RGB, 1 for a mask).</param>
    /// <param name="box">Left, top, right, bottom of the source area, in source pixels (may be fractional).</param>
    /// <param name="width">Output width.</param>
    /// <param name="height">Output height.</param>
    public static byte[] Resample(ReadOnlySpan<byte> source, int sourceWidth, int sourceHeight, int channels,
        (double Left, double Top, double Right, double Bottom) box, int width, int height)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        var columns = Coefficients.For(sourceWidth, box.Left, box.Right, width);
        var rows = Coefficients.For(sourceHeight, box.Top, box.Bottom, height);

        // Horizontal pass over only the source rows that the vertical pass reads.
        var firstRow = rows.Start[0];
        var lastRow = rows.Start[height - 1] + rows.Count[height - 1];
        var rowStride = width * channels;
        var horizontal = new float[(lastRow - firstRow) * rowStride];
        for (var sy = firstRow; sy < lastRow; sy++)
        {
            var sourceRow = source.Slice(sy * sourceWidth * channels, sourceWidth * channels);
            var outRow = horizontal.AsSpan((sy - firstRow) * rowStride, rowStride);
            for (var x = 0; x < width; x++)
            {
                var weights = columns.WeightsOf(x);
                var start = columns.Start[x];
                for (var c = 0; c < channels; c++)
                {
                    double sum = 0;
                    for (var k = 0; k < weights.Length; k++)
                    {
                        sum += weights[k] * sourceRow[((start + k) * channels) + c];
                    }

                    outRow[(x * channels) + c] = (float)sum;
                }
            }
        }

        var output = new byte[(long)height * rowStride];
        for (var y = 0; y < height; y++)
        {
            var weights = rows.WeightsOf(y);
            var start = rows.Start[y] - firstRow;
            for (var i = 0; i < rowStride; i++)
            {
                double sum = 0;
                for (var k = 0; k < weights.Length; k++)
                {
                    sum += weights[k] * horizontal[((start + k) * rowStride) + i];
                }

                output[(y * rowStride) + i] = (byte)Math.Clamp(Math.Round(sum), 0, 255);
            }
        }

        return output;
    }

    private static double Lanczos(double x)
    {
        if (x <= -Support || x >= Support)
        {
            return 0;
        }

        return Sinc(x) * Sinc(x / Support);
    }

    private static double Sinc(double x)
    {
        if (x == 0)
        {
            return 1;
        }

        var px = Math.PI * x;
        return Math.Sin(px) / px;
    }

    /// <summary>For each output position: the first source index, how many follow, and their normalised weights.</summary>
    private sealed class Coefficients
    {
        private readonly double[] _weights;
        private readonly int _stride;

        private Coefficients(int[] start, int[] count, double[] weights, int stride)
        {
            Start = start;
            Count = count;
            _weights = weights;
            _stride = stride;
        }

        public int[] Start { get; }

        public int[] Count { get; }

        public ReadOnlySpan<double> WeightsOf(int output) => _weights.AsSpan(output * _stride, Count[output]);

        /// <summary>Pillow's <c>precompute_coeffs</c> rule: window centre (i + ½)·scale, half-width 3·max(scale, 1).</summary>
        public static Coefficients For(int inSize, double in0, double in1, int outSize)
        {
            var scale = (in1 - in0) / outSize;
            var filterScale = Math.Max(scale, 1.0);
            var support = Support * filterScale;
            var stride = ((int)Math.Ceiling(support) * 2) + 1;
            var start = new int[outSize];
            var count = new int[outSize];
            var weights = new double[outSize * stride];
            for (var i = 0; i < outSize; i++)
            {
                var centre = in0 + ((i + 0.5) * scale);
                var min = Math.Max((int)(centre - support + 0.5), 0);
                var max = Math.Min((int)(centre + support + 0.5), inSize);
                var n = Math.Max(max - min, 1);
                min = Math.Min(min, inSize - n);
                double total = 0;
                for (var k = 0; k < n; k++)
                {
                    var w = Lanczos((k + min - centre + 0.5) / filterScale);
                    weights[(i * stride) + k] = w;
                    total += w;
                }

                for (var k = 0; k < n; k++)
                {
                    weights[(i * stride) + k] = total != 0 ? weights[(i * stride) + k] / total : 1.0 / n;
                }

                start[i] = min;
                count[i] = n;
            }

            return new Coefficients(start, count, weights, stride);
        }
    }
}
