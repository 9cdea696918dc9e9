namespace SdPortal.Inference.Imaging;

/// <summary>Pixels to and from the planar float tensors the VAE takes and gives.</summary>
public static class ImageTensors
{
    /// <summary>
    /// Writes the image as [3, height, width] in [−1, 1], as diffusers' <c>VaeImageProcessor</c> prepares a VAE input:
    /// x = pixel / 255 in float32, then 2x − 1.
    /// </summary>
    /// <exception cref="ArgumentException">The destination is not 3 × width × height values.</exception>
    public static void ToTensor(RgbImage image, Span<float> destination)
    {
        ArgumentNullException.ThrowIfNull(image);
        var plane = image.Width * image.Height;
        if (destination.Length != 3 * plane)
        {
            throw new ArgumentException($"Expected {3 * plane} values for [3, {image.Height}, {image.Width}], got {destination.Length}.",
                nameof(destination));
        }

        var pixels = image.Pixels;
        for (var i = 0; i < plane; i++)
        {
            for (var c = 0; c < 3; c++)
            {
                var unit = pixels[(3 * i) + c] / 255f;
                destination[(c * plane) + i] = (2f * unit) - 1f;
            }
        }
    }

    /// <summary>The reverse, for a VAE output: <see cref="LatentImageConverter.ChwToRgb"/>'s rounding and clamping.</summary>
    public static RgbImage FromTensor(ReadOnlySpan<float> chw, int width, int height)
    {
        var pixels = new byte[(long)width * height * RgbImage.Channels];
        LatentImageConverter.ChwToRgb(chw, width, height, pixels);
        return new RgbImage(width, height, pixels);
    }
}
