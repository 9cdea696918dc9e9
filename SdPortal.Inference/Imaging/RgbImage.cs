namespace SdPortal.Inference.Imaging;

/// <summary>
/// An 8-bit RGB picture on the CPU: the form every init image, mask source and generated image takes between the
/// decoder, the geometry helpers and the tensors, so that each step needs to know one layout only.
/// </summary>
public sealed class RgbImage
{
    /// <summary>Bytes per pixel: red, green, blue.</summary>
    public const int Channels = 3;

    /// <summary>Wraps pixels without copying them.</summary>
    /// <param name="width">Width in pixels, at least 1.</param>
    /// <param name="height">Height in pixels, at least 1.</param>
    /// <param name="pixels">Row-major RGB8, three bytes per pixel, no row padding: width × height × 3 bytes.</param>
    /// <exception cref="ArgumentException">A dimension is not positive or the buffer has the wrong length.</exception>
    public RgbImage(int width, int height, byte[] pixels)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        ArgumentNullException.ThrowIfNull(pixels);
        if (pixels.LongLength != (long)width * height * Channels)
        {
            throw new ArgumentException(
                $"Expected {(long)width * height * Channels} bytes for a {width}x{height} RGB image, got {pixels.Length}.",
                nameof(pixels));
        }

        Width = width;
        Height = height;
        Pixels = pixels;
    }

    /// <summary>Width in pixels.</summary>
    public int Width { get; }

    /// <summary>Height in pixels.</summary>
    public int Height { get; }

    /// <summary>Row-major RGB8, three bytes per pixel, no padding.</summary>
    public byte[] Pixels { get; }

    /// <summary>A new image of the given size filled with one colour (white backgrounds, test fixtures).</summary>
    public static RgbImage Filled(int width, int height, byte red, byte green, byte blue)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        var pixels = new byte[(long)width * height * Channels];
        for (var i = 0; i < pixels.Length; i += Channels)
        {
            pixels[i] = red;
            pixels[i + 1] = green;
            pixels[i + 2] = blue;
        }

        return new RgbImage(width, height, pixels);
    }

    /// <summary>The offset of pixel (x, y)'s red byte in <see cref="Pixels"/>.</summary>
    public int OffsetOf(int x, int y) => ((y * Width) + x) * Channels;
}
