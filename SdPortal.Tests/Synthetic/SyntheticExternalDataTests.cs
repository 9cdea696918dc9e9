namespace SdPortal.Tests.Synthetic;

[Collection(TinySyntheticSuite.Name)]
public sealed class SyntheticExternalDataTests(TinySyntheticFolders folders)
{
    [Theory]
    [InlineData("text_encoder")]
    [InlineData("unet")]
    [InlineData("vae_decoder")]
    [InlineData("vae_encoder")]
    public void ExternalData_HoldsTheWeightsBesideASmallModelFile(string component)
    {
        var model = new FileInfo(Path.Combine(folders.ExternalData, component, "model.onnx"));
        var data = new FileInfo(Path.Combine(folders.ExternalData, component, "model.onnx.data"));
        var embedded = new FileInfo(Path.Combine(folders.Fp32, component, "model.onnx"));

        Assert.True(data.Exists);
        Assert.True(model.Length < embedded.Length / 4, $"{model.Length} bytes of graph vs {embedded.Length} embedded");
        Assert.True(data.Length >= embedded.Length - model.Length);
    }

    [Fact]
    public void ExternalData_GivesTheSameOutputsAsEmbeddedWeights()
    {
        using var external = new OnnxTestModel(Path.Combine(folders.ExternalData, "unet", "model.onnx"));
        using var embedded = new OnnxTestModel(Path.Combine(folders.Fp32, "unet", "model.onnx"));

        var a = SyntheticUNetTests.Run(external, 2, 16, 24, timestep: 321);
        var b = SyntheticUNetTests.Run(embedded, 2, 16, 24, timestep: 321);

        Assert.Equal(b.Values, a.Values);
    }

    [Fact]
    public void EmbeddedFolder_HasNoExternalDataFiles()
    {
        Assert.Empty(Directory.EnumerateFiles(folders.Fp32, "*.data", SearchOption.AllDirectories));
    }
}
