namespace SdPortal.Inference.Imaging;

/// <summary>
/// An inpainting mask: one byte per pixel, 255 = repaint, 0 = keep, grey = partly (a blurred edge).
/// </summary>
public sealed class MaskImage
{
    /// <summary>Wraps values without copying them.</summary>
    /// <param name="width">Width in pixels, at least 1.</param>
    /// <param name="height">Height in pixels, at least 1.</param>
    /// <param name="values">Row-major, width × height bytes.</param>
    /// <exception cref="ArgumentException">A dimension is not positive or the buffer has the wrong length.</exception>
    public MaskImage(int width, int height, byte[] values)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        ArgumentNullException.ThrowIfNull(values);
        if (values.LongLength != (long)width * height)
        {
            throw new ArgumentException($"Expected {(long)width * height} values for a {width}x{height} mask, got {values.Length}.",
                nameof(values));
        }

        Width = width;
        Height = height;
        Values = values;
    }

    /// <summary>Width in pixels.</summary>
    public int Width { get; }

    /// <summary>Height in pixels.</summary>
    public int Height { get; }

    /// <summary>Row-major, one byte per pixel, 255 = repaint.</summary>
    public byte[] Values { get; }

    /// <summary>True when nothing is to be repainted (every value is 0).</summary>
    public bool IsEmpty => !Values.AsSpan().ContainsAnyExcept((byte)0);

    /// <summary>
    /// The mask an RGB picture draws: its luma as PIL's <c>convert("L")</c> gives it, white = repaint. An upload's
    /// transparency is already gone from an <see cref="RgbImage"/> (flattened onto white, so transparent reads as
    /// repaint); to read a mask painted on a transparent layer as A1111 does (alpha = the mask), decode the file with
    /// <see cref="InputImageDecoder.DecodeMask"/> instead.
    /// </summary>
    public static MaskImage From(RgbImage image)
    {
        ArgumentNullException.ThrowIfNull(image);
        var values = new byte[(long)image.Width * image.Height];
        var pixels = image.Pixels;
        for (int i = 0, o = 0; o < values.Length; i += 3, o++)
        {
            values[o] = Luma.Of(pixels[i], pixels[i + 1], pixels[i + 2]);
        }

        return new MaskImage(image.Width, image.Height, values);
    }

    /// <summary>255 − value everywhere: "inpaint not masked" (A1111's <c>ImageOps.invert</c>).</summary>
    public MaskImage Invert()
    {
        var values = new byte[Values.Length];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = (byte)(255 - Values[i]);
        }

        return new MaskImage(Width, Height, values);
    }

    /// <summary>Softens the edge so the repainted area blends in: see <see cref="MaskBlur"/> for the exact rule.</summary>
    /// <param name="radius">A1111's mask blur: the Gaussian's sigma in pixels; 0 returns a copy.</param>
    public MaskImage Blur(int radius) => new(Width, Height, MaskBlur.Apply(Values, Width, Height, radius));

    /// <summary>The smallest rectangle holding every non-zero value (PIL's <c>getbbox</c>), or null for an empty mask.</summary>
    public PixelRect? Bounds()
    {
        int left = Width, top = Height, right = -1, bottom = -1;
        for (var y = 0; y < Height; y++)
        {
            var row = Values.AsSpan(y * Width, Width);
            var first = row.IndexOfAnyExcept((byte)0);
            if (first < 0)
            {
                continue;
            }

            var last = row.LastIndexOfAnyExcept((byte)0);
            left = Math.Min(left, first);
            right = Math.Max(right, last);
            top = Math.Min(top, y);
            bottom = y;
        }

        return right < 0 ? null : PixelRect.FromCorners(left, top, right + 1, bottom + 1);
    }

    /// <summary>The part of the mask inside <paramref name="region"/> (for "only masked").</summary>
    public MaskImage Crop(PixelRect region)
    {
        RegionCheck.Within(region, Width, Height);
        var values = new byte[(long)region.Width * region.Height];
        for (var y = 0; y < region.Height; y++)
        {
            Values.AsSpan(((region.Y + y) * Width) + region.X, region.Width)
                .CopyTo(values.AsSpan(y * region.Width, region.Width));
        }

        return new MaskImage(region.Width, region.Height, values);
    }

    /// <summary>The mask fitted to another size by the same crop-and-resize rule as the init image (<see cref="ImageFit"/>).</summary>
    public MaskImage Resize(int width, int height)
    {
        var values = ImageFit.CropAndResize(Values, Width, Height, 1, width, height);
        return new MaskImage(width, height, ReferenceEquals(values, Values) ? (byte[])values.Clone() : values);
    }

    /// <summary>
    /// The mask at latent resolution as the denoiser blends with it: 1 = repaint, 0 = keep, row-major
    /// latentHeight × latentWidth.
    /// </summary>
    /// <remarks>
    /// As diffusers' inpainting mask path: the mask processor binarises (value / 255 ≥ 0.5 → 1, so 128 and up
    /// repaint) and <c>torch.nn.functional.interpolate</c> in its default "nearest" mode shrinks it, taking source
    /// index floor(i · in / out) (float32 scale, as torch). Nearest sampling and thresholding commute, so the order
    /// does not matter.
    /// </remarks>
    public float[] ToLatentMask(int latentWidth, int latentHeight)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(latentWidth);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(latentHeight);
        var scaleX = (float)Width / latentWidth;
        var scaleY = (float)Height / latentHeight;
        var latent = new float[latentWidth * latentHeight];
        for (var y = 0; y < latentHeight; y++)
        {
            var sy = Math.Min((int)MathF.Floor(y * scaleY), Height - 1);
            for (var x = 0; x < latentWidth; x++)
            {
                var sx = Math.Min((int)MathF.Floor(x * scaleX), Width - 1);
                latent[(y * latentWidth) + x] = Values[(sy * Width) + sx] >= 128 ? 1f : 0f;
            }
        }

        return latent;
    }
}
