namespace SdPortal.Inference.Imaging;

/// <summary>
/// Grey from RGB as PIL's <c>convert("L")</c> computes it (ITU-R 601-2, L = 0.299 R + 0.587 G + 0.114 B, in PIL's
/// 16-bit fixed point), so a colour mask reads as the same grey levels it would in A1111.
/// </summary>
internal static class Luma
{
    /// <summary>The grey level of one pixel.</summary>
    public static byte Of(byte red, byte green, byte blue) =>
        (byte)(((red * 19595) + (green * 38470) + (blue * 7471) + 0x8000) >> 16);
}
