using SdPortal.Inference.Imaging;
using SdPortal.Tests.Imaging;

namespace SdPortal.Tests.Pipeline.Support;

/// <summary>Reads back what the pipeline wrote into a PNG: size, text chunks and the RGB pixels.</summary>
public static class PngInspection
{
    public static (int Width, int Height) Size(byte[] png) => PngMetadataReader.ReadSize(png);

    public static string Text(byte[] png, string keyword) => PngMetadataReader.ReadText(png)[keyword];

    /// <summary>The decoded RGB pixels, so that images compare apart from their text chunks.</summary>
    public static byte[] Pixels(byte[] png) => TestPngDecoder.Decode(png).Rgb;
}
