using SkiaSharp;

namespace SdPortal.Inference.Imaging;

/// <summary>
/// Decodes an uploaded init image or mask (PNG, JPEG or WebP) into pixels, refusing everything else with an
/// <see cref="InputImageException"/> whose message a user may read.
/// </summary>
/// <remarks>
/// Order matters for safety: the file size is checked first, then the signature (only three formats reach a codec),
/// then the header's dimensions against <see cref="InputImageLimits"/>, and only then is a pixel buffer allocated.
/// Embedded ICC profiles are ignored (the pixels are taken as sRGB), as PIL does when A1111 opens an upload.
/// </remarks>
public static class InputImageDecoder
{
    private const string NotSupported = "not a PNG, JPEG or WebP image";
    private const string Damaged = "the image is damaged or truncated";

    /// <summary>Reads the format and the displayed size from the header, without decoding pixels.</summary>
    /// <exception cref="InputImageException">Not a PNG, JPEG or WebP file, or its header is unreadable.</exception>
    public static InputImageInfo Probe(ReadOnlySpan<byte> file)
    {
        var format = ImageFormatSniffer.Detect(file) ?? throw new InputImageException(NotSupported);
        using var data = SKData.CreateCopy(file);
        using var codec = OpenCodec(data, format);
        var (width, height) = DisplayedSize(codec);
        return new InputImageInfo(format, width, height);
    }

    /// <summary>
    /// Decodes to RGB with the EXIF orientation applied and any transparency composited onto white.
    /// </summary>
    /// <remarks>
    /// White, because A1111 flattens img2img uploads onto its <c>img2img_background_color</c> setting, whose default is
    /// <c>#ffffff</c>: a transparent logo becomes a logo on white, which is what its author saw in an image viewer.
    /// The blend is PIL's paste through the alpha: c·a/255 + 255·(1 − a/255), rounded.
    /// </remarks>
    /// <exception cref="InputImageException">Unsupported, damaged, truncated or over a limit.</exception>
    public static RgbImage Decode(ReadOnlySpan<byte> file, InputImageLimits limits)
    {
        var (rgba, width, height) = DecodeRgba(file, limits);
        var rgb = new byte[(long)width * height * RgbImage.Channels];
        for (int i = 0, o = 0; i < rgba.Length; i += 4, o += 3)
        {
            var alpha = rgba[i + 3];
            var background = 255 * (255 - alpha);
            rgb[o] = (byte)(((rgba[i] * alpha) + background + 127) / 255);
            rgb[o + 1] = (byte)(((rgba[i + 1] * alpha) + background + 127) / 255);
            rgb[o + 2] = (byte)(((rgba[i + 2] * alpha) + background + 127) / 255);
        }

        return new RgbImage(width, height, rgb);
    }

    /// <summary>
    /// Decodes a mask upload as A1111's <c>create_binary_mask</c> reads one: when the file has transparency that is not
    /// fully opaque everywhere, the alpha channel is the mask, binarised (alpha &gt; 128 → 255, else 0), so strokes
    /// painted on a transparent layer mark the area to repaint; otherwise the luma of the (opaque) pixels is the mask,
    /// as it is, white = repaint.
    /// </summary>
    /// <exception cref="InputImageException">Unsupported, damaged, truncated or over a limit.</exception>
    public static MaskImage DecodeMask(ReadOnlySpan<byte> file, InputImageLimits limits)
    {
        var (rgba, width, height) = DecodeRgba(file, limits);
        var values = new byte[(long)width * height];
        var hasTransparency = false;
        for (var i = 3; i < rgba.Length; i += 4)
        {
            if (rgba[i] != 255)
            {
                hasTransparency = true;
                break;
            }
        }

        for (int i = 0, o = 0; i < rgba.Length; i += 4, o++)
        {
            values[o] = hasTransparency
                ? (byte)(rgba[i + 3] > 128 ? 255 : 0)
                : Luma.Of(rgba[i], rgba[i + 1], rgba[i + 2]);
        }

        return new MaskImage(width, height, values);
    }

    /// <summary>Straight (unpremultiplied) RGBA8 in displayed orientation.</summary>
    private static (byte[] Rgba, int Width, int Height) DecodeRgba(ReadOnlySpan<byte> file, InputImageLimits limits)
    {
        ArgumentNullException.ThrowIfNull(limits);
        limits.CheckFileSize(file.Length);
        var format = ImageFormatSniffer.Detect(file) ?? throw new InputImageException(NotSupported);
        using var data = SKData.CreateCopy(file);
        using var codec = OpenCodec(data, format);
        var width = codec.Info.Width;
        var height = codec.Info.Height;
        limits.CheckDimensions(width, height);

        var info = new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        var rgba = new byte[(long)width * height * 4];
        var result = codec.GetPixels(info, rgba);
        if (result != SKCodecResult.Success)
        {
            // IncompleteInput: Skia would hand back the decoded rows and zeros below; a half-grey init image is not
            // what the user sent, so it is refused like any other damage.
            throw new InputImageException(Damaged);
        }

        return ExifOrientation.Apply(rgba, width, height, 4, codec.EncodedOrigin);
    }

    private static SKCodec OpenCodec(SKData data, string format)
    {
        var codec = SKCodec.Create(data) ?? throw new InputImageException(Damaged);
        var matches = (format, codec.EncodedFormat) switch
        {
            ("png", SKEncodedImageFormat.Png) => true,
            ("jpeg", SKEncodedImageFormat.Jpeg) => true,
            ("webp", SKEncodedImageFormat.Webp) => true,
            _ => false,
        };
        if (!matches || codec.Info.Width <= 0 || codec.Info.Height <= 0)
        {
            codec.Dispose();
            throw new InputImageException(Damaged);
        }

        return codec;
    }

    private static (int Width, int Height) DisplayedSize(SKCodec codec) =>
        ExifOrientation.SwapsAxes(codec.EncodedOrigin)
            ? (codec.Info.Height, codec.Info.Width)
            : (codec.Info.Width, codec.Info.Height);
}
