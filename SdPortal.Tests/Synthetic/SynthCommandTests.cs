using System.CommandLine;
using System.Text.Json.Nodes;
using SdPortal.Inference.Cli;
using SdPortal.Inference.Synthetic;

namespace SdPortal.Tests.Synthetic;

public sealed class SynthCommandTests : IDisposable
{
    private readonly string _out = Path.Combine(Path.GetTempPath(), "sdportal-synth-cli-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public void Synth_WritesTheFolderAndPrintsAOneLineJsonSummary()
    {
        using var output = new StringWriter();
        var root = new RootCommand { new SynthCommand().Build() };

        var exitCode = root.Parse(["synth", "--config", "tiny", "--fp16", "--seed", "3", "--out", _out])
            .Invoke(new InvocationConfiguration { Output = output });

        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var summary = JsonNode.Parse(Assert.Single(lines))!;
        Assert.Equal(0, exitCode);
        Assert.Equal("tiny", (string?)summary["config"]);
        Assert.Equal("fp16", (string?)summary["precision"]);
        Assert.Equal(SyntheticModelFolder.CountParameters(SyntheticModelConfig.Tiny).Total, (long)summary["parameters"]!);
        Assert.True((long)summary["bytes"]! > 0);
        Assert.True(SyntheticModelFolder.IsSynthetic(_out));
    }

    [Fact]
    public void Synth_FormFused_WritesTheFusedGraphsAndSaysSoInTheMarker()
    {
        var root = new RootCommand { new SynthCommand().Build() };

        var exitCode = root.Parse(["synth", "--config", "tiny", "--fp16", "--form", "fused", "--out", _out])
            .Invoke(new InvocationConfiguration { Output = TextWriter.Null });

        var marker = JsonNode.Parse(File.ReadAllText(Path.Combine(_out, SyntheticModelFolder.MarkerFileName)))!;
        var unet = Onnx.ModelProto.Parser.ParseFrom(File.ReadAllBytes(Path.Combine(_out, "unet", "model.onnx")));
        Assert.Equal(0, exitCode);
        Assert.Equal("fused", (string?)marker["form"]);
        Assert.Contains(unet.Graph.Node, n => n is { Domain: "com.microsoft", OpType: "NhwcConv" });
        Assert.Contains(unet.Graph.Initializer, t => t.DataType == (int)Onnx.TensorProto.Types.DataType.Float16);
    }

    [Fact]
    public void Synth_RejectsAnUnknownForm()
    {
        var root = new RootCommand { new SynthCommand().Build() };

        var exitCode = root.Parse(["synth", "--config", "tiny", "--form", "tensorrt", "--out", _out])
            .Invoke(new InvocationConfiguration { Output = TextWriter.Null, Error = TextWriter.Null });

        Assert.NotEqual(0, exitCode);
        Assert.False(Directory.Exists(_out));
    }

    [Fact]
    public void Synth_RejectsAnUnknownConfig()
    {
        using var error = new StringWriter();
        var root = new RootCommand { new SynthCommand().Build() };

        var exitCode = root.Parse(["synth", "--config", "sdxl", "--out", _out])
            .Invoke(new InvocationConfiguration { Output = TextWriter.Null, Error = error });

        Assert.NotEqual(0, exitCode);
        Assert.False(Directory.Exists(_out));
    }

    public void Dispose()
    {
        if (Directory.Exists(_out))
        {
            Directory.Delete(_out, recursive: true);
        }
    }
}
