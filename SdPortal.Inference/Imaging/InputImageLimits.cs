namespace SdPortal.Inference.Imaging;

/// <summary>
/// What an uploaded image may be, checked from the file size and the header before any pixel buffer exists, so a
/// small file that claims a huge picture (a decompression bomb) costs nothing.
/// </summary>
/// <param name="MaxBytes">Largest accepted file, in bytes.</param>
/// <param name="MaxPixels">Largest accepted width × height.</param>
/// <param name="MaxSide">Largest accepted width or height on its own (a 1×16M strip is within MaxPixels, not useful).</param>
public sealed record InputImageLimits(long MaxBytes = InputImageLimits.DefaultMaxBytes,
    long MaxPixels = InputImageLimits.DefaultMaxPixels, int MaxSide = InputImageLimits.DefaultMaxSide)
{
    /// <summary>20 MiB.</summary>
    public const long DefaultMaxBytes = 20L * 1024 * 1024;

    /// <summary>4096 × 4096 = 16 777 216 pixels (64 MiB as RGBA while decoding).</summary>
    public const long DefaultMaxPixels = 4096L * 4096;

    /// <summary>8192 pixels on a side.</summary>
    public const int DefaultMaxSide = 8192;

    /// <summary>The defaults above.</summary>
    public static InputImageLimits Default { get; } = new();

    /// <summary>Refuses a file larger than <see cref="MaxBytes"/>.</summary>
    /// <exception cref="InputImageException">The file is too large.</exception>
    public void CheckFileSize(long length)
    {
        if (length > MaxBytes)
        {
            throw new InputImageException($"the file is {length} bytes, over the limit of {MaxBytes}");
        }
    }

    /// <summary>Refuses dimensions over <see cref="MaxSide"/> or <see cref="MaxPixels"/>.</summary>
    /// <exception cref="InputImageException">The picture is too large.</exception>
    public void CheckDimensions(int width, int height)
    {
        if (width > MaxSide || height > MaxSide)
        {
            throw new InputImageException(
                $"{width}×{height} pixels has a side over the limit of {MaxSide}");
        }

        if ((long)width * height > MaxPixels)
        {
            throw new InputImageException($"{width}×{height} pixels is over the limit of {MaxPixels}");
        }
    }
}
