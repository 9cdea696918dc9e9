using SdPortal.Inference.Imaging;
using SkiaSharp;

namespace SdPortal.Tests.Imaging;

/// <summary>
/// The decoder shows a JPEG as its EXIF Orientation tag says. The file is a 40×20 JPEG with four flat quadrants
/// (top-left red, top-right blue, bottom-left green, bottom-right white) and an APP1 segment the test writes; the
/// expected corners come from the EXIF 2.3 definitions of the tag ("the 0th row is the visual …, the 0th column is
/// the visual …").
/// </summary>
public class ExifOrientationTests
{
    private static readonly SKColor Red = new(255, 0, 0);
    private static readonly SKColor Blue = new(0, 0, 255);
    private static readonly SKColor Green = new(0, 255, 0);
    private static readonly SKColor White = new(255, 255, 255);

    public static TheoryData<ushort, int, int, SKColor[]> Orientations() => new()
    {
        // Expected displayed quadrants: top-left, top-right, bottom-left, bottom-right.
        { 1, 40, 20, [Red, Blue, Green, White] },
        { 3, 40, 20, [White, Green, Blue, Red] }, // 0th row is the visual bottom, 0th column the visual right
        { 6, 20, 40, [Green, Red, White, Blue] }, // 0th row is the visual right, 0th column the visual top
        { 8, 20, 40, [Blue, White, Red, Green] }, // 0th row is the visual left, 0th column the visual bottom
    };

    [Theory]
    [MemberData(nameof(Orientations))]
    public void Decode_AppliesTheOrientationTag(ushort orientation, int width, int height, SKColor[] quadrants)
    {
        var jpeg = TestImageFiles.Encode(40, 20, (x, y) => (x < 20, y < 10) switch
        {
            (true, true) => Red,
            (false, true) => Blue,
            (true, false) => Green,
            _ => White,
        }, SKEncodedImageFormat.Jpeg);
        var file = TestImageFiles.JpegWithOrientation(jpeg, orientation);

        var image = InputImageDecoder.Decode(file, InputImageLimits.Default);

        Assert.Equal((width, height), (image.Width, image.Height));
        Assert.Equal(new InputImageInfo("jpeg", width, height), InputImageDecoder.Probe(file));
        AssertNear(quadrants[0], image, width / 4, height / 4);
        AssertNear(quadrants[1], image, 3 * width / 4, height / 4);
        AssertNear(quadrants[2], image, width / 4, 3 * height / 4);
        AssertNear(quadrants[3], image, 3 * width / 4, 3 * height / 4);
    }

    private static void AssertNear(SKColor expected, RgbImage image, int x, int y)
    {
        var o = image.OffsetOf(x, y);
        var actual = (image.Pixels[o], image.Pixels[o + 1], image.Pixels[o + 2]);
        Assert.True(Math.Abs(actual.Item1 - expected.Red) < 40 && Math.Abs(actual.Item2 - expected.Green) < 40
            && Math.Abs(actual.Item3 - expected.Blue) < 40, $"({x}, {y}) is {actual}, expected {expected}");
    }
}
