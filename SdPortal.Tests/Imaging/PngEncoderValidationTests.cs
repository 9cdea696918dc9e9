using SdPortal.Inference.Imaging;

namespace SdPortal.Tests.Imaging;

public class PngEncoderValidationTests
{
    [Theory]
    [InlineData(0, 1)]
    [InlineData(1, 0)]
    [InlineData(-4, 2)]
    [InlineData(2, -4)]
    public void Encode_WhenADimensionIsNotPositive_ThrowsArgumentException(int width, int height)
    {
        Assert.ThrowsAny<ArgumentException>(() => PngEncoder.Encode(new byte[12], width, height));
    }

    [Theory]
    [InlineData(11)]
    [InlineData(13)]
    [InlineData(0)]
    public void Encode_WhenBufferLengthIsNotWidthTimesHeightTimesThree_ThrowsArgumentException(int length)
    {
        var ex = Assert.Throws<ArgumentException>(() => PngEncoder.Encode(new byte[length], 2, 2));
        Assert.Equal("rgb", ex.ParamName);
    }
}
