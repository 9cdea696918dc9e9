using SdPortal.Inference.Imaging;

namespace SdPortal.Tests.Imaging;

/// <summary>ImageTensors: diffusers' VAE input normalisation and its reverse.</summary>
public class ImageTensorsTests
{
    [Fact]
    public void ToTensor_IsPlanarAndMapsBytesOntoMinusOneToOne()
    {
        // 2×1: pixel 0 = (0, 255, 128), pixel 1 = (255, 0, 51).
        var image = new RgbImage(2, 1, [0, 255, 128, 255, 0, 51]);
        var tensor = new float[6];

        ImageTensors.ToTensor(image, tensor);

        // 2 · p / 255 − 1: 128 → 0.003921…, 51 → −0.6.
        float[] expected = [-1f, 1f, 1f, -1f, 2f * (128f / 255f) - 1f, 2f * (51f / 255f) - 1f];
        Assert.Equal(expected, tensor);
    }

    [Fact]
    public void FromTensor_UndoesToTensorForEveryByte()
    {
        var pixels = new byte[256 * 3];
        for (var i = 0; i < pixels.Length; i++)
        {
            pixels[i] = (byte)(i / 3);
        }

        var image = new RgbImage(256, 1, pixels);
        var tensor = new float[pixels.Length];

        ImageTensors.ToTensor(image, tensor);
        var back = ImageTensors.FromTensor(tensor, 256, 1);

        Assert.Equal(pixels, back.Pixels);
    }

    [Fact]
    public void ToTensor_RefusesAWrongSizedDestination()
    {
        Assert.Throws<ArgumentException>(() => ImageTensors.ToTensor(RgbImage.Filled(2, 2, 0, 0, 0), new float[11]));
    }
}
