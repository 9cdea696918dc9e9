using SkiaSharp;

namespace SdPortal.Inference.Imaging;

/// <summary>
/// Turns pixels as stored into pixels as displayed, following the EXIF orientation tag (values 1-8), as PIL's
/// <c>ImageOps.exif_transpose</c> does for A1111: a phone photo taken in portrait is stored landscape with tag 6, and
/// the user expects the generated image to be portrait too.
/// </summary>
internal static class ExifOrientation
{
    /// <summary>True when the orientation swaps width and height (tags 5-8: a quarter turn, with or without a flip).</summary>
    public static bool SwapsAxes(SKEncodedOrigin origin) => origin is SKEncodedOrigin.LeftTop
        or SKEncodedOrigin.RightTop or SKEncodedOrigin.RightBottom or SKEncodedOrigin.LeftBottom;

    /// <summary>Reorders interleaved pixels from stored to displayed order.</summary>
    /// <param name="stored">Row-major pixels, <paramref name="channels"/> bytes each, as the file stores them.</param>
    /// <param name="width">Stored width.</param>
    /// <param name="height">Stored height.</param>
    /// <param name="channels">Bytes per pixel.</param>
    /// <param name="origin">Where the stored first row and column belong on the displayed picture.</param>
    /// <returns>The displayed pixels (the same array for TopLeft) and the displayed width and height.</returns>
    public static (byte[] Pixels, int Width, int Height) Apply(byte[] stored, int width, int height, int channels,
        SKEncodedOrigin origin)
    {
        if (origin is SKEncodedOrigin.TopLeft or 0)
        {
            return (stored, width, height);
        }

        var (outWidth, outHeight) = SwapsAxes(origin) ? (height, width) : (width, height);
        var displayed = new byte[stored.Length];
        for (var y = 0; y < outHeight; y++)
        {
            for (var x = 0; x < outWidth; x++)
            {
                var (sx, sy) = StoredPosition(origin, x, y, width, height);
                Array.Copy(stored, ((sy * width) + sx) * channels, displayed, ((y * outWidth) + x) * channels, channels);
            }
        }

        return (displayed, outWidth, outHeight);
    }

    /// <summary>Which stored pixel shows at displayed (x, y); width and height are the stored ones.</summary>
    private static (int X, int Y) StoredPosition(SKEncodedOrigin origin, int x, int y, int width, int height) =>
        origin switch
        {
            SKEncodedOrigin.TopRight => (width - 1 - x, y), // 2: mirrored left to right
            SKEncodedOrigin.BottomRight => (width - 1 - x, height - 1 - y), // 3: half turn
            SKEncodedOrigin.BottomLeft => (x, height - 1 - y), // 4: mirrored top to bottom
            SKEncodedOrigin.LeftTop => (y, x), // 5: transposed
            SKEncodedOrigin.RightTop => (y, height - 1 - x), // 6: shown turned a quarter clockwise
            SKEncodedOrigin.RightBottom => (width - 1 - y, height - 1 - x), // 7: transverse
            SKEncodedOrigin.LeftBottom => (width - 1 - y, x), // 8: shown turned a quarter anticlockwise
            _ => (x, y),
        };
}
