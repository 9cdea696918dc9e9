namespace SdPortal.Inference.Imaging;

/// <summary>
/// A1111's inpainting overlay: the original is laid over the generated picture through the inverse of the blurred
/// mask, so only what the user masked changes and the blurred edge fades between the two.
/// </summary>
public static class Overlay
{
    /// <summary>
    /// out = (original·(255 − m) + generated·m) / 255, rounded: the original byte-for-byte where m = 0, the generated
    /// picture where m = 255.
    /// </summary>
    /// <remarks>
    /// A1111 does this by premultiplying the original by alpha 255 − m, unpremultiplying it and alpha-compositing it on
    /// the generated image; the blend above is the same arithmetic without the round trip through premultiplied bytes,
    /// which loses precision where the mask is nearly opaque.
    /// </remarks>
    /// <exception cref="ArgumentException">The three are not the same size.</exception>
    public static RgbImage Apply(RgbImage original, RgbImage generated, MaskImage blurredMask)
    {
        ArgumentNullException.ThrowIfNull(original);
        ArgumentNullException.ThrowIfNull(generated);
        ArgumentNullException.ThrowIfNull(blurredMask);
        if (generated.Width != original.Width || generated.Height != original.Height
            || blurredMask.Width != original.Width || blurredMask.Height != original.Height)
        {
            throw new ArgumentException(
                $"The original ({original.Width}x{original.Height}), generated ({generated.Width}x{generated.Height}) "
                + $"and mask ({blurredMask.Width}x{blurredMask.Height}) must be the same size.", nameof(generated));
        }

        var pixels = new byte[original.Pixels.Length];
        for (var i = 0; i < pixels.Length; i++)
        {
            int m = blurredMask.Values[i / 3];
            pixels[i] = (byte)(((original.Pixels[i] * (255 - m)) + (generated.Pixels[i] * m) + 127) / 255);
        }

        return new RgbImage(original.Width, original.Height, pixels);
    }
}
