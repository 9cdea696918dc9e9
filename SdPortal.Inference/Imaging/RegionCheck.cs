namespace SdPortal.Inference.Imaging;

/// <summary>The one argument check every crop shares: a non-empty rectangle inside the picture.</summary>
internal static class RegionCheck
{
    /// <exception cref="ArgumentOutOfRangeException">The rectangle is empty or reaches outside width × height.</exception>
    public static void Within(PixelRect region, int width, int height)
    {
        if (region.Width <= 0 || region.Height <= 0 || region.X < 0 || region.Y < 0 || region.Right > width
            || region.Bottom > height)
        {
            throw new ArgumentOutOfRangeException(nameof(region), region,
                $"The region must be non-empty and inside the {width}x{height} picture.");
        }
    }
}
