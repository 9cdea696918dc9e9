using SdPortal.Inference.Pipeline;
using SdPortal.Tests.Imaging;
using SkiaSharp;

namespace SdPortal.Tests.Pipeline.Support;

/// <summary>Input pictures and masks for image-to-image and inpainting tests, encoded as users upload them.</summary>
internal static class SourcePictures
{
    /// <summary>A colourful gradient PNG, so every pixel differs from its neighbours.</summary>
    public static byte[] Gradient(int width = 64, int height = 64) =>
        TestImageFiles.Encode(width, height, (x, y) => new SKColor((byte)(x * 255 / width), (byte)(y * 255 / height), (byte)((x + y) * 3)));

    /// <summary>A PNG mask, white (repaint) inside the rectangle, black outside.</summary>
    public static byte[] RectangleMask(int width, int height, int x1, int y1, int x2, int y2) =>
        TestImageFiles.Encode(width, height, (x, y) => x >= x1 && x < x2 && y >= y1 && y < y2 ? SKColors.White : SKColors.Black);

    /// <summary>An image-to-image request on the 64×64 gradient.</summary>
    public static GenerationSpec ImageToImage(double strength = 0.5, ulong seed = 42) => TestRequests.Small(seed) with
    {
        Steps = 8,
        Strength = strength,
        Inputs = new GenerationInputs(Gradient()),
    };

    /// <summary>Inpainting the gradient's rectangle [16, 48)² with no blur.</summary>
    public static GenerationSpec Inpaint(double strength = 0.75, ulong seed = 42) => ImageToImage(strength, seed) with
    {
        MaskBlur = 0,
        Inputs = new GenerationInputs(Gradient(), RectangleMask(64, 64, 16, 16, 48, 48)),
    };
}
