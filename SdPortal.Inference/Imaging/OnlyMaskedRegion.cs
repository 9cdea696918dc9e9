namespace SdPortal.Inference.Imaging;

/// <summary>
/// A1111's "inpaint only masked" (<c>inpaint_full_res</c>): the region around the mask is cut out, generated at the
/// full output size (more detail for a small repair), and pasted back.
/// </summary>
public static class OnlyMaskedRegion
{
    /// <summary>
    /// The region to cut out: the mask's bounding box grown by <paramref name="padding"/> on every side and clamped
    /// to the picture (<c>get_crop_region_v2</c>), then grown along one axis to the aspect ratio of width × height
    /// (<c>expand_crop_region</c>), shifted back inside the picture where it overhangs and clamped where the picture
    /// is too small.
    /// </summary>
    /// <remarks>
    /// An empty mask has no bounding box; A1111 then drops "only masked" and works on the whole picture, so the whole
    /// picture is returned.
    /// </remarks>
    /// <param name="mask">The (blurred) mask, at the init image's size.</param>
    /// <param name="padding">A1111's "only masked padding, pixels".</param>
    /// <param name="width">Generation width (the region's target aspect).</param>
    /// <param name="height">Generation height.</param>
    public static PixelRect For(MaskImage mask, int padding, int width, int height)
    {
        ArgumentNullException.ThrowIfNull(mask);
        ArgumentOutOfRangeException.ThrowIfNegative(padding);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        if (mask.Bounds() is not { } box)
        {
            return new PixelRect(0, 0, mask.Width, mask.Height);
        }

        var x1 = Math.Max(box.X - padding, 0);
        var y1 = Math.Max(box.Y - padding, 0);
        var x2 = Math.Min(box.Right + padding, mask.Width);
        var y2 = Math.Min(box.Bottom + padding, mask.Height);

        var regionRatio = (double)(x2 - x1) / (y2 - y1);
        var targetRatio = (double)width / height;
        if (regionRatio > targetRatio)
        {
            (y1, y2) = Expand(y1, y2, (x2 - x1) / targetRatio, mask.Height);
        }
        else
        {
            (x1, x2) = Expand(x1, x2, (y2 - y1) * targetRatio, mask.Width);
        }

        return PixelRect.FromCorners(x1, y1, x2, y2);
    }

    /// <summary>The pixels inside the region.</summary>
    public static RgbImage Crop(RgbImage image, PixelRect region)
    {
        ArgumentNullException.ThrowIfNull(image);
        RegionCheck.Within(region, image.Width, image.Height);
        var stride = region.Width * RgbImage.Channels;
        var pixels = new byte[(long)region.Height * stride];
        for (var y = 0; y < region.Height; y++)
        {
            image.Pixels.AsSpan(image.OffsetOf(region.X, region.Y + y), stride).CopyTo(pixels.AsSpan(y * stride, stride));
        }

        return new RgbImage(region.Width, region.Height, pixels);
    }

    /// <summary>
    /// A copy of the original with the region replaced by the generated picture fitted back to the region's size by
    /// crop-and-resize (A1111's <c>uncrop</c> uses <c>resize_image</c> mode 1). Blend it with <see cref="Overlay"/>
    /// afterwards so only the masked pixels change.
    /// </summary>
    public static RgbImage PasteBack(RgbImage original, RgbImage generatedAtTargetSize, PixelRect region)
    {
        ArgumentNullException.ThrowIfNull(original);
        ArgumentNullException.ThrowIfNull(generatedAtTargetSize);
        RegionCheck.Within(region, original.Width, original.Height);
        var fitted = ImageFit.CropAndResize(generatedAtTargetSize, region.Width, region.Height);
        var pixels = (byte[])original.Pixels.Clone();
        var stride = region.Width * RgbImage.Channels;
        for (var y = 0; y < region.Height; y++)
        {
            fitted.Pixels.AsSpan(y * stride, stride).CopyTo(pixels.AsSpan(original.OffsetOf(region.X, region.Y + y), stride));
        }

        return new RgbImage(original.Width, original.Height, pixels);
    }

    /// <summary>
    /// <c>expand_crop_region</c> along one axis: grow [low, high) to <paramref name="desired"/> (truncated, as Python's
    /// int()), half before and the rest after; slide back inside when past the far edge, then when before 0; clamp.
    /// </summary>
    private static (int Low, int High) Expand(int low, int high, double desired, int size)
    {
        var diff = (int)(desired - (high - low));
        low -= diff / 2;
        high += diff - (diff / 2);
        if (high >= size)
        {
            var over = high - size;
            high -= over;
            low -= over;
        }

        if (low < 0)
        {
            high -= low;
            low = 0;
        }

        if (high >= size)
        {
            high = size;
        }

        return (low, high);
    }
}
