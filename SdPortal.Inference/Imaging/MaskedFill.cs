namespace SdPortal.Inference.Imaging;

/// <summary>
/// A1111's "fill" masked content (<c>modules/masking.py</c> <c>fill</c>): before img2img, the area to repaint is
/// replaced by the blurred colours of what surrounds it, so the denoiser starts from plausible colours rather than
/// from what is to be removed.
/// </summary>
/// <remarks>
/// The rule: take the picture premultiplied by alpha = 255 − mask (the masked area becomes transparent); blur that with
/// Pillow's Gaussian at radii 256, 64, 16 (twice), 4 (four times), 2 (twice) and 0 (the unblurred picture), and
/// composite each result over the last ("over" in premultiplied form: out = src + dst·(1 − src.α)). Coarse blurs reach
/// deep into the hole; the finer ones, drawn on top, sharpen the colours near its edge; the final unblurred layer puts
/// every unmasked pixel back exactly. Colours are unpremultiplied at the end; a pixel no layer reached is black.
/// </remarks>
public static class MaskedFill
{
    private static readonly (int Radius, int Repeats)[] Layers = [(256, 1), (64, 1), (16, 2), (4, 4), (2, 2), (0, 1)];

    /// <summary>The picture with its masked area filled; unmasked pixels are unchanged.</summary>
    /// <exception cref="ArgumentException">The mask is not the image's size.</exception>
    public static RgbImage Fill(RgbImage image, MaskImage mask)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(mask);
        if (mask.Width != image.Width || mask.Height != image.Height)
        {
            throw new ArgumentException($"The {mask.Width}x{mask.Height} mask does not fit the {image.Width}x{image.Height} image.",
                nameof(mask));
        }

        var n = image.Width * image.Height;
        var masked = new float[4][];
        for (var c = 0; c < 4; c++)
        {
            masked[c] = new float[n];
        }

        for (var i = 0; i < n; i++)
        {
            var alpha = 255 - mask.Values[i];
            for (var c = 0; c < 3; c++)
            {
                masked[c][i] = image.Pixels[(3 * i) + c] * alpha / 255f;
            }

            masked[3][i] = alpha;
        }

        var accumulated = new double[4][];
        for (var c = 0; c < 4; c++)
        {
            accumulated[c] = new double[n];
        }

        foreach (var (radius, repeats) in Layers)
        {
            var layer = masked.Select(plane => (float[])plane.Clone()).ToArray();
            foreach (var plane in layer)
            {
                BoxBlur.Apply(plane, image.Width, image.Height, radius);
            }

            for (var r = 0; r < repeats; r++)
            {
                for (var i = 0; i < n; i++)
                {
                    var keep = 1.0 - (layer[3][i] / 255.0);
                    for (var c = 0; c < 4; c++)
                    {
                        accumulated[c][i] = layer[c][i] + (accumulated[c][i] * keep);
                    }
                }
            }
        }

        var pixels = new byte[n * 3];
        for (var i = 0; i < n; i++)
        {
            var alpha = accumulated[3][i];
            for (var c = 0; c < 3; c++)
            {
                var straight = alpha > 0 ? accumulated[c][i] * 255.0 / alpha : 0;
                pixels[(3 * i) + c] = (byte)Math.Clamp(Math.Round(straight), 0, 255);
            }
        }

        return new RgbImage(image.Width, image.Height, pixels);
    }
}
