using SdPortal.Inference.Models;
using SdPortal.Inference.Synthetic;
using SdPortal.Tests.Pipeline.Support;

namespace SdPortal.Tests.Models;

/// <summary>Opening model folders: what is read from them, and how broken ones are reported.</summary>
public sealed class StableDiffusionModelFolderTests(TinyModelFixture model) : IClassFixture<TinyModelFixture>, IDisposable
{
    private readonly string _scratch = Path.Combine(Path.GetTempPath(), "sdportal-tests", $"folder-{Guid.NewGuid():N}");

    [Fact]
    public void Open_ReadsConfigurationAndMetadata()
    {
        var folder = model.Model;

        Assert.Equal(InferenceDevice.Cpu, folder.Device);
        Assert.Equal(0.18215f, folder.VaeScalingFactor);
        Assert.Equal(4, folder.LatentChannels);
        Assert.True(folder.IsSynthetic);
        Assert.Equal(77, folder.Tokenizer.Encode("a photo of a cat").Ids.Length);
    }

    [Fact]
    public void ModelHash_IsTenHexDigitsOfTheUNetsSha256()
    {
        var expected = Convert.ToHexStringLower(
            System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(model.Model.Layout.UNet)))[..10];

        Assert.Equal(expected, model.Model.ModelHash);
        Assert.Same(model.Model.ModelHash, model.Model.ModelHash);
    }

    [Fact]
    public async Task Open_WeightsInExternalData_GiveTheSameImageAndHashTheWeights()
    {
        var external = Path.Combine(_scratch, "external");
        SyntheticModelFolder.Write(
            SyntheticModelConfig.Tiny, external, TinyModelFixture.WriteOptions with { ExternalDataThresholdBytes = 0 });
        using var folder = StableDiffusionModelFolder.Open(external);

        var embedded = await model.Pipeline.GenerateAsync(TestRequests.Small());
        var separate = await new Inference.Pipeline.StableDiffusionPipeline(folder).GenerateAsync(TestRequests.Small());

        Assert.True(File.Exists(Path.Combine(external, "unet", "model.onnx.data")));
        Assert.Equal(PngInspection.Pixels(embedded.Images[0].Png), PngInspection.Pixels(separate.Images[0].Png));
        Assert.NotEqual(model.Model.ModelHash, folder.ModelHash);
    }

    [Fact]
    public async Task Open_ASamplingVaeEncoderInExternalData_OpensAndEncodesLikeTheEmbeddedOne()
    {
        // diffusers' sampling encoder is rewritten at open; the rewrite must still reach its external data files.
        var options = TinyModelFixture.WriteOptions with { IncludeVaeEncoder = true };
        var embedded = Path.Combine(_scratch, "encoder-embedded");
        var external = Path.Combine(_scratch, "encoder-external");
        SyntheticModelFolder.Write(SyntheticModelConfig.Tiny, embedded, options);
        SyntheticModelFolder.Write(SyntheticModelConfig.Tiny, external, options with { ExternalDataThresholdBytes = 0 });
        using var inline = StableDiffusionModelFolder.Open(embedded);
        using var separate = StableDiffusionModelFolder.Open(external);

        var expected = await new Inference.Pipeline.StableDiffusionPipeline(inline).GenerateAsync(SourcePictures.ImageToImage(seed: 3));
        var actual = await new Inference.Pipeline.StableDiffusionPipeline(separate).GenerateAsync(SourcePictures.ImageToImage(seed: 3));

        Assert.True(File.Exists(Path.Combine(external, "vae_encoder", "model.onnx.data")));
        Assert.Equal(PngInspection.Pixels(expected.Images[0].Png), PngInspection.Pixels(actual.Images[0].Png));
    }

    [Fact]
    public void Open_MissingUNet_ThrowsNamingTheFile()
    {
        var copy = CopyModel();
        File.Delete(Path.Combine(copy, "unet", "model.onnx"));

        var ex = Assert.Throws<ModelLoadException>(() => StableDiffusionModelFolder.Open(copy));

        Assert.Equal(Path.Combine(copy, "unet", "model.onnx"), ex.FilePath);
        Assert.Contains(Path.Combine("unet", "model.onnx"), ex.Message, StringComparison.Ordinal);
        Assert.Contains("missing", ex.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_TruncatedUNet_ThrowsNamingTheFileWithTheRuntimesReason()
    {
        var copy = CopyModel();
        var unet = Path.Combine(copy, "unet", "model.onnx");
        var bytes = File.ReadAllBytes(unet);
        File.WriteAllBytes(unet, bytes[..(bytes.Length / 2)]);

        var ex = Assert.Throws<ModelLoadException>(() => StableDiffusionModelFolder.Open(copy));

        Assert.Equal(unet, ex.FilePath);
        Assert.IsType<Microsoft.ML.OnnxRuntime.OnnxRuntimeException>(ex.InnerException);
    }

    [Theory]
    [InlineData("model_index.json", "{ not json")]
    [InlineData("model_index.json", "[1, 2]")]
    [InlineData("vae_decoder/config.json", "{\"scaling_factor\": -1}")]
    public void Open_MalformedJson_ThrowsNamingTheFile(string relativePath, string content)
    {
        var copy = CopyModel();
        var path = Path.Combine(copy, relativePath);
        File.WriteAllText(path, content);

        var ex = Assert.Throws<ModelLoadException>(() => StableDiffusionModelFolder.Open(copy));

        Assert.Equal(path, ex.FilePath);
    }

    [Theory]
    [InlineData("scheduler/scheduler_config.json")]
    [InlineData("tokenizer/vocab.json")]
    [InlineData("text_encoder/model.onnx")]
    [InlineData("vae_decoder/model.onnx")]
    public void Open_MissingRequiredFile_ThrowsNamingIt(string relativePath)
    {
        var copy = CopyModel();
        File.Delete(Path.Combine(copy, relativePath));

        var ex = Assert.Throws<ModelLoadException>(() => StableDiffusionModelFolder.Open(copy));

        Assert.Equal(Path.Combine(copy, relativePath), ex.FilePath);
    }

    [Fact]
    public void Open_UNetFromAnotherArchitecture_IsRejectedAsIncompatible()
    {
        var copy = CopyModel();
        var other = Path.Combine(_scratch, "other");
        var wide = SyntheticModelConfig.Tiny with
        {
            TextEncoder = SyntheticModelConfig.Tiny.TextEncoder with { Hidden = 64 },
            UNet = SyntheticModelConfig.Tiny.UNet with { CrossAttentionDim = 64 },
        };
        SyntheticModelFolder.Write(wide, other, new SyntheticWriteOptions { IncludeVaeEncoder = false });
        File.Copy(Path.Combine(other, "unet", "model.onnx"), Path.Combine(copy, "unet", "model.onnx"), overwrite: true);

        var ex = Assert.Throws<ModelLoadException>(() => StableDiffusionModelFolder.Open(copy));

        Assert.Equal(Path.Combine(copy, "unet", "model.onnx"), ex.FilePath);
        Assert.Contains("text encoder", ex.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Open_CudaRequested_RunsOnCudaOrFallsBackToTheCpuAndGenerates()
    {
        using var folder = StableDiffusionModelFolder.Open(model.Directory, InferenceDevice.Cuda(0));

        Assert.Contains(folder.Device, new[] { InferenceDevice.Cpu, InferenceDevice.Cuda(0) });
        var result = await new Inference.Pipeline.StableDiffusionPipeline(folder).GenerateAsync(TestRequests.Small());
        Assert.Single(result.Images);
    }

    [Theory]
    [InlineData("cpu", "cpu")]
    [InlineData("CUDA", "cuda:0")]
    [InlineData("cuda:3", "cuda:3")]
    public void InferenceDevice_Parse_RoundTrips(string text, string expected) =>
        Assert.Equal(expected, InferenceDevice.Parse(text).ToString());

    [Theory]
    [InlineData("gpu")]
    [InlineData("cuda:")]
    [InlineData("cuda:-1")]
    public void InferenceDevice_ParseUnknown_Throws(string text) =>
        Assert.Throws<FormatException>(() => InferenceDevice.Parse(text));

    [Fact]
    public void Open_MissingFolder_Throws()
    {
        var ex = Assert.Throws<ModelLoadException>(() => StableDiffusionModelFolder.Open(Path.Combine(_scratch, "absent")));

        Assert.Equal(Path.Combine(_scratch, "absent"), ex.FilePath);
    }

    public void Dispose()
    {
        if (Directory.Exists(_scratch))
        {
            Directory.Delete(_scratch, recursive: true);
        }
    }

    private string CopyModel()
    {
        var copy = Path.Combine(_scratch, "copy");
        foreach (var file in Directory.EnumerateFiles(model.Directory, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(copy, Path.GetRelativePath(model.Directory, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }

        return copy;
    }
}
