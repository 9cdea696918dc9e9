using System.Security.Cryptography;
using SdPortal.Inference.Models;

namespace SdPortal.Tests.Models;

public sealed class UNetHashTests : IDisposable
{
    private readonly string _unet = Directory.CreateTempSubdirectory("sdportal-unethash-").FullName;

    public void Dispose() => Directory.Delete(_unet, recursive: true);

    [Fact]
    public async Task Start_SameFilesTwice_HashesOnceAndCoversTheExternalWeights()
    {
        var graph = Write("model.onnx", [1, 2, 3]);
        Write("model.onnx.data", [4, 5]);
        Write("config.json", [9]);

        var first = UNetHash.Start(graph);
        var again = UNetHash.Start(graph);

        Assert.Same(first, again);
        Assert.Equal(ShortSha256([1, 2, 3, 4, 5]), await first);
    }

    [Fact]
    public async Task Start_AfterAWeightFileIsReplaced_HashesTheNewContent()
    {
        var graph = Write("model.onnx", [1, 2, 3]);
        var weights = Write("model.onnx.data", [4, 5]);
        var before = await UNetHash.Start(graph);

        // Same length, other bytes: only the modification time tells the files apart, as it would for a re-upload.
        await File.WriteAllBytesAsync(weights, [6, 7]);
        File.SetLastWriteTimeUtc(weights, File.GetLastWriteTimeUtc(weights).AddSeconds(5));
        var after = await UNetHash.Start(graph);

        Assert.Equal(ShortSha256([1, 2, 3, 4, 5]), before);
        Assert.Equal(ShortSha256([1, 2, 3, 6, 7]), after);
    }

    private string Write(string name, byte[] bytes)
    {
        var path = Path.Combine(_unet, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private static string ShortSha256(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes))[..10];
}
