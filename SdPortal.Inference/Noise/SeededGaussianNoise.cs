namespace SdPortal.Inference.Noise;

/// <summary>
/// Platform-independent Gaussian noise: SplitMix64 seeds xoshiro256** (integer arithmetic only, identical everywhere),
/// and the polar-free Box–Muller transform turns pairs of 53-bit uniforms into two normal samples.
/// The same seed gives the same sequence on every OS and CPU; only the last ulp of log/cos may differ between runtimes.
/// </summary>
public sealed class SeededGaussianNoise : INoiseSource
{
    private ulong _s0, _s1, _s2, _s3;
    private double _spare;
    private bool _hasSpare;

    /// <summary>Creates a generator whose whole sequence follows from <paramref name="seed"/>.</summary>
    public SeededGaussianNoise(ulong seed)
    {
        var state = seed;
        _s0 = SplitMix64(ref state);
        _s1 = SplitMix64(ref state);
        _s2 = SplitMix64(ref state);
        _s3 = SplitMix64(ref state);
    }

    /// <inheritdoc />
    public void NextGaussian(Span<float> destination)
    {
        for (var i = 0; i < destination.Length; i++)
        {
            destination[i] = (float)NextStandardNormal();
        }
    }

    /// <summary>One N(0, 1) sample: z0 = √(−2 ln u1)·cos(2π u2), z1 = √(−2 ln u1)·sin(2π u2).</summary>
    public double NextStandardNormal()
    {
        if (_hasSpare)
        {
            _hasSpare = false;
            return _spare;
        }

        var u1 = 1.0 - NextUniform(); // (0, 1]: ln never sees zero
        var u2 = NextUniform();
        var radius = Math.Sqrt(-2.0 * Math.Log(u1));
        var angle = 2.0 * Math.PI * u2;
        _spare = radius * Math.Sin(angle);
        _hasSpare = true;
        return radius * Math.Cos(angle);
    }

    /// <summary>A uniform double in [0, 1) from the top 53 bits of the next output.</summary>
    public double NextUniform() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>xoshiro256** (Blackman and Vigna, 2018).</summary>
    public ulong NextUInt64()
    {
        var result = RotateLeft(_s1 * 5, 7) * 9;
        var t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = RotateLeft(_s3, 45);
        return result;
    }

    private static ulong SplitMix64(ref ulong state)
    {
        var z = state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    private static ulong RotateLeft(ulong x, int k) => (x << k) | (x >> (64 - k));
}
