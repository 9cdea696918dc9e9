namespace SdPortal.Inference.Imaging;

/// <summary>Turns the VAE decoder's output into 8-bit RGB pixels.</summary>
public static class LatentImageConverter
{
    /// <summary>
    /// Converts a planar [3, height, width] image with values in [-1, 1] to interleaved RGB bytes:
    /// pixel = round(clamp((v + 1) / 2, 0, 1) · 255), as diffusers' postprocessing does
    /// (<c>(image / 2 + 0.5).clamp(0, 1)</c>, then <c>(images * 255).round()</c>).
    /// </summary>
    /// <remarks>
    /// Rounding is half to even, matching NumPy's <c>round</c> (0 → 127.5 → 128), so pixels equal the Python
    /// pipeline's. NaN, which a diverged sampler can produce, becomes 0 rather than an undefined cast.
    /// </remarks>
    /// <param name="chw">Red plane, then green, then blue; each row-major, height × width values.</param>
    /// <param name="width">Width in pixels, at least 1.</param>
    /// <param name="height">Height in pixels, at least 1.</param>
    /// <param name="rgb">Receives width × height × 3 bytes, row by row.</param>
    /// <exception cref="ArgumentException">A dimension is not positive or a buffer has the wrong length.</exception>
    public static void ChwToRgb(ReadOnlySpan<float> chw, int width, int height, Span<byte> rgb)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        var plane = (long)width * height;
        if (chw.Length != 3 * plane)
        {
            throw new ArgumentException($"Expected {3 * plane} values for [3, {height}, {width}], got {chw.Length}.",
                nameof(chw));
        }

        if (rgb.Length != 3 * plane)
        {
            throw new ArgumentException($"Expected an RGB buffer of {3 * plane} bytes, got {rgb.Length}.", nameof(rgb));
        }

        var red = chw[..(int)plane];
        var green = chw.Slice((int)plane, (int)plane);
        var blue = chw[(2 * (int)plane)..];
        for (var i = 0; i < (int)plane; i++)
        {
            rgb[3 * i] = ToByte(red[i]);
            rgb[(3 * i) + 1] = ToByte(green[i]);
            rgb[(3 * i) + 2] = ToByte(blue[i]);
        }
    }

    private static byte ToByte(float value)
    {
        if (float.IsNaN(value))
        {
            return 0;
        }

        // (v + 1) / 2 equals diffusers' v / 2 + 0.5 exactly in float32: halving is exact, so both round once.
        var unit = Math.Clamp((value + 1f) / 2f, 0f, 1f);
        return (byte)MathF.Round(unit * 255f, MidpointRounding.ToEven);
    }
}
