using SdPortal.Inference.Synthetic;

namespace SdPortal.Tests.Synthetic;

[Collection(TinySyntheticSuite.Name)]
public sealed class SyntheticDeterminismTests(TinySyntheticFolders folders)
{
    [Fact]
    public void SameSeed_WritesByteIdenticalFolders()
    {
        var again = folders.Write("fp32-again", new SyntheticWriteOptions());

        var expected = Files(folders.Fp32);
        Assert.Equal(expected, Files(again));
        foreach (var file in expected)
        {
            Assert.True(
                File.ReadAllBytes(Path.Combine(folders.Fp32, file)).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(again, file))),
                file);
        }
    }

    [Fact]
    public void DifferentSeed_WritesDifferentWeightsOfTheSameSize()
    {
        var other = folders.Write("seed-7", new SyntheticWriteOptions { Seed = 7 });

        foreach (var component in new[] { "text_encoder", "unet", "vae_decoder", "vae_encoder" })
        {
            var a = File.ReadAllBytes(Path.Combine(folders.Fp32, component, "model.onnx"));
            var b = File.ReadAllBytes(Path.Combine(other, component, "model.onnx"));
            Assert.Equal(a.Length, b.Length);
            Assert.False(a.AsSpan().SequenceEqual(b), component);
        }
    }

    private static string[] Files(string root) =>
        [.. Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(root, f))
            .Order(StringComparer.Ordinal)];
}
