namespace SdPortal.Inference.Imaging;

/// <summary>
/// Fits an init image to the generation size: A1111's "Crop and resize" (<c>resize_image</c> mode 1), the rule the
/// portal states to users.
/// </summary>
public static class ImageFit
{
    /// <summary>
    /// Scales the source to cover width × height keeping its aspect ratio, then cuts the centre out, with Lanczos
    /// resampling (<see cref="LanczosResampler"/>).
    /// </summary>
    /// <remarks>
    /// The covering size is A1111's integer rule: when the target is wider than the source, the width is the target's
    /// and the height is source.height · width // source.width; otherwise the height is the target's and the width is
    /// source.width · height // source.height. The crop starts at (covering // 2 − target // 2) on each axis, as A1111
    /// pastes the covering image at (target // 2 − covering // 2). A source of the target size comes back unchanged
    /// (the same instance), so an init image already at the output size stays byte-identical.
    /// </remarks>
    public static RgbImage CropAndResize(RgbImage source, int width, int height)
    {
        ArgumentNullException.ThrowIfNull(source);
        var pixels = CropAndResize(source.Pixels, source.Width, source.Height, RgbImage.Channels, width, height);
        return ReferenceEquals(pixels, source.Pixels) ? source : new RgbImage(width, height, pixels);
    }

    /// <summary>The same rule on any interleaved 8-bit layout; returns <paramref name="pixels"/> itself when the size matches.</summary>
    internal static byte[] CropAndResize(byte[] pixels, int sourceWidth, int sourceHeight, int channels, int width,
        int height)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        if (sourceWidth == width && sourceHeight == height)
        {
            return pixels;
        }

        var targetIsWider = (double)width / height > (double)sourceWidth / sourceHeight;
        long coverWidth = targetIsWider ? width : (long)sourceWidth * height / sourceHeight;
        long coverHeight = targetIsWider ? (long)sourceHeight * width / sourceWidth : height;
        var offsetX = (coverWidth / 2) - (width / 2);
        var offsetY = (coverHeight / 2) - (height / 2);

        // The crop, in source pixels: covering pixel i spans source [i·s, (i + 1)·s) with s = source / covering.
        var scaleX = (double)sourceWidth / coverWidth;
        var scaleY = (double)sourceHeight / coverHeight;
        var box = (offsetX * scaleX, offsetY * scaleY, (offsetX + width) * scaleX, (offsetY + height) * scaleY);
        return LanczosResampler.Resample(pixels, sourceWidth, sourceHeight, channels, box, width, height);
    }
}
