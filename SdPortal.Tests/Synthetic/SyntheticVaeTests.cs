namespace SdPortal.Tests.Synthetic;

[Collection(TinySyntheticSuite.Name)]
public sealed class SyntheticVaeTests(TinySyntheticFolders folders)
{
    [Theory]
    [InlineData(1, 32, 32)]
    [InlineData(2, 32, 32)]
    [InlineData(1, 24, 40)]
    [InlineData(2, 24, 40)]
    public void Decoder_UpsamplesLatentsEightTimesToThreeChannels(int batch, int height, int width)
    {
        using var model = new OnnxTestModel(Path.Combine(folders.Fp32, "vae_decoder", "model.onnx"));
        var (latent, shape) = TestInputs.Gaussian(3, batch, 4, height, width);

        var image = model.Run(("latent_sample", latent, shape))["sample"];

        Assert.Equal([batch, 3, height * 8, width * 8], image.Shape);
        Assert.True(image.AllFinite);
        Assert.InRange(image.StandardDeviation, 1e-3f, 1e3f);
    }

    [Theory]
    [InlineData(1, 256, 256)]
    [InlineData(2, 256, 256)]
    [InlineData(1, 192, 320)]
    [InlineData(2, 192, 320)]
    public void Encoder_ReturnsTheFourChannelLatentMean(int batch, int height, int width)
    {
        using var model = new OnnxTestModel(Path.Combine(folders.Fp32, "vae_encoder", "model.onnx"));
        var (image, shape) = TestInputs.Gaussian(4, batch, 3, height, width);

        var latent = model.Run(("sample", image, shape))["latent_sample"];

        Assert.Equal([batch, 4, height / 8, width / 8], latent.Shape);
        Assert.True(latent.AllFinite);
        Assert.InRange(latent.StandardDeviation, 1e-3f, 1e3f);
    }
}
