using System.Globalization;

namespace SdPortal.Inference.Batching;

/// <summary>
/// The UNet batch sizes (in samples) a device runs: a call of n samples is padded up to the smallest bucket ≥ n, so a
/// GPU sees a handful of shapes (one CUDA graph and one set of tuned kernels each) instead of every n. A job larger than
/// the largest bucket runs alone at its own size.
/// </summary>
internal sealed class BatchBuckets
{
    private readonly int[] _sizes;

    /// <summary>Creates the buckets from <paramref name="sizes"/> (positive; order and repeats do not matter).</summary>
    /// <exception cref="ArgumentException">No size, or a size below 1.</exception>
    public BatchBuckets(IEnumerable<int> sizes)
    {
        _sizes = [.. sizes.Distinct().Order()];
        if (_sizes.Length == 0 || _sizes[0] < 1)
        {
            throw new ArgumentException("Batch buckets must be one or more positive sizes.", nameof(sizes));
        }
    }

    /// <summary>The sizes, ascending.</summary>
    public IReadOnlyList<int> Sizes => _sizes;

    /// <summary>The largest bucket: the most samples one call holds.</summary>
    public int Largest => _sizes[^1];

    /// <summary>Every size from 1 to <paramref name="largest"/>: no padding (shapes cost nothing extra on the CPU).</summary>
    public static BatchBuckets Exact(int largest) => new(Enumerable.Range(1, largest));

    /// <summary>Parses a comma-separated list such as "1,2,4,8,16,32".</summary>
    /// <exception cref="FormatException">An entry is not a positive integer.</exception>
    public static BatchBuckets Parse(string text)
    {
        var sizes = new List<int>();
        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (!int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var size) || size < 1)
            {
                throw new FormatException($"'{part}' is not a positive batch size.");
            }

            sizes.Add(size);
        }

        return sizes.Count > 0 ? new BatchBuckets(sizes) : throw new FormatException("No batch size was given.");
    }

    /// <summary>The shape a call of <paramref name="samples"/> runs at: the smallest bucket that holds it, or the
    /// sample count itself above the largest bucket.</summary>
    public int Choose(int samples)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(samples);
        foreach (var size in _sizes)
        {
            if (size >= samples)
            {
                return size;
            }
        }

        return samples;
    }

    /// <summary>The largest bucket below <paramref name="samples"/>, or 1 when none is (what an out-of-memory retry shrinks to).</summary>
    public int Below(int samples)
    {
        for (var i = _sizes.Length - 1; i >= 0; i--)
        {
            if (_sizes[i] < samples)
            {
                return _sizes[i];
            }
        }

        return 1;
    }

    /// <inheritdoc />
    public override string ToString() => string.Join(',', _sizes);
}
