namespace SdPortal.Inference.Imaging;

/// <summary>A rectangle of whole pixels: left/top inclusive, <see cref="Right"/>/<see cref="Bottom"/> exclusive.</summary>
/// <param name="X">Left column.</param>
/// <param name="Y">Top row.</param>
/// <param name="Width">Columns, at least 1 for a non-empty region.</param>
/// <param name="Height">Rows, at least 1 for a non-empty region.</param>
public readonly record struct PixelRect(int X, int Y, int Width, int Height)
{
    /// <summary>One past the last column (PIL's x2).</summary>
    public int Right => X + Width;

    /// <summary>One past the last row (PIL's y2).</summary>
    public int Bottom => Y + Height;

    /// <summary>From PIL-style corners (x1, y1, x2, y2), x2 and y2 exclusive.</summary>
    public static PixelRect FromCorners(int x1, int y1, int x2, int y2) => new(x1, y1, x2 - x1, y2 - y1);
}
