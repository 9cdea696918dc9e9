namespace SdPortal.Inference.Imaging;

/// <summary>
/// Names a file's format from its first bytes. The decoder accepts only what this recognises, so formats that Skia
/// could also open (GIF, BMP, ICO, WBMP, HEIF) are refused before any codec runs: fewer parsers face untrusted input.
/// </summary>
public static class ImageFormatSniffer
{
    private static ReadOnlySpan<byte> PngSignature => [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>"png", "jpeg", "webp", or null for anything else.</summary>
    public static string? Detect(ReadOnlySpan<byte> file)
    {
        if (file.StartsWith(PngSignature))
        {
            return "png";
        }

        if (file.Length >= 3 && file[0] == 0xFF && file[1] == 0xD8 && file[2] == 0xFF)
        {
            return "jpeg";
        }

        if (file.Length >= 12 && file[..4].SequenceEqual("RIFF"u8) && file.Slice(8, 4).SequenceEqual("WEBP"u8))
        {
            return "webp";
        }

        return null;
    }
}
