using Microsoft.ML.OnnxRuntime;
using Onnx;
using SdPortal.Inference.Synthetic;
using SdPortal.Inference.Synthetic.Graph;
using Xunit.Abstractions;

namespace SdPortal.Tests.Synthetic;

/// <summary>
/// Which com.microsoft operators of the fused form ONNX Runtime's CPU provider (the package this repository ships,
/// float32) can run: each operator in a one-layer model, exactly as the fused writer emits it, opened and run on the
/// CPU. The outcome decides what the fused form can be tested with here — only the text encoder's merged-QKV Attention
/// runs, so only the fused text encoder is compared numerically with the plain form on this machine
/// (<see cref="FusedTextEncoderTests"/>); GroupNorm, SkipGroupNorm, NhwcConv, BiasSplitGelu, BiasAdd and packed-QKV/KV
/// MultiHeadAttention are for the CUDA provider and are measured in docs/benchmarks.md once a GPU is lent.
/// </summary>
public sealed class FusedOperatorCpuSupportTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("sdportal-fused-ops-").FullName;

    public static TheoryData<string, bool> Operators => new()
    {
        { "GroupNorm", false },
        { "SkipGroupNorm", false },
        { "NhwcConv", false },
        { "BiasSplitGelu", false },
        { "BiasAdd", false },
        { "MultiHeadAttention (packed QKV)", false },
        { "MultiHeadAttention (packed KV)", false },
        { "Attention (merged QKV, unidirectional)", true },
    };

    [Theory]
    [MemberData(nameof(Operators))]
    public void CpuProvider_RunsOnlyTheTextEncodersAttention(string op, bool runsOnCpu)
    {
        var path = Path.Combine(_dir, $"{op.Split(' ')[0]}-{op.GetHashCode(StringComparison.Ordinal):x8}.onnx");
        var (graph, inputs) = OneLayer(op);
        OnnxModelWriter.Write(graph, path, seed: 3, SyntheticWriteOptions.DefaultExternalDataThresholdBytes);

        var error = Record.Exception(() =>
        {
            using var model = new OnnxTestModel(path);
            var y = model.Run(inputs)["y"];
            Assert.True(y.AllFinite);
        });

        output.WriteLine($"{op} on ONNX Runtime's CPU provider: {error?.Message.Trim() ?? "runs"}");
        Assert.True(runsOnCpu == (error is null), $"{op}: {error?.Message ?? "ran"}");
        if (error is not null)
        {
            Assert.IsType<OnnxRuntimeException>(error); // refused by ORT, not a malformed model of ours
        }
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static (OnnxGraphBuilder Graph, (string, Array, long[])[] Inputs) OneLayer(string op)
    {
        var b = new OnnxGraphBuilder("one_layer", SyntheticPrecision.Fp32);
        const TensorProto.Types.DataType F = TensorProto.Types.DataType.Float;
        var image = TestInputs.Gaussian(1, 1, 4, 4, 8);
        var tokens = TestInputs.Gaussian(2, 1, 6, 8);
        string Image() => b.AddInput("x", F, 1, 4, 4, 8);
        string Tokens() => b.AddInput("x", F, 1, 6, 8);
        (string, Array, long[])[] imageInput = [("x", image.Data, image.Shape)];
        (string, Array, long[])[] tokenInput = [("x", tokens.Data, tokens.Shape)];
        switch (op)
        {
            case "GroupNorm":
                b.AddOutput("y", b.GroupNormNhwc(Image(), 8, 4, 1e-5f, "norm", silu: true), F, 1, 4, 4, 8);
                return (b, imageInput);
            case "SkipGroupNorm":
                var skip = b.AddInput("skip", F, 1, 8);
                b.AddOutput("y", b.SkipGroupNormNhwc(Image(), skip, 8, 4, 1e-5f, "norm", silu: true), F, 1, 4, 4, 8);
                return (b, [.. imageInput, ("skip", TestInputs.Gaussian(3, 1, 8).Data, [1L, 8])]);
            case "NhwcConv":
                b.AddOutput("y", b.NhwcConv2d(Image(), 8, 8, 3, "conv"), F, 1, 4, 4, 8);
                return (b, imageInput);
            case "BiasSplitGelu":
                b.AddOutput("y", b.BiasSplitGelu(Tokens(), 8, 8, "ff"), F, 1, 6, 8);
                return (b, tokenInput);
            case "BiasAdd":
                var x = Tokens();
                b.AddOutput("y", b.LinearBiasAdd(x, 8, 8, "out", x), F, 1, 6, 8);
                return (b, tokenInput);
            case "MultiHeadAttention (packed QKV)":
                b.AddOutput("y", b.PackedQkvAttention(Tokens(), 8, 2, "attn1", projectionBias: false), F, 1, 6, 8);
                return (b, tokenInput);
            case "MultiHeadAttention (packed KV)":
                var context = b.AddInput("context", F, 1, 5, 4);
                b.AddOutput("y", b.PackedKvCrossAttention(Tokens(), context, 8, 4, 2, "attn2"), F, 1, 6, 8);
                return (b, [.. tokenInput, ("context", TestInputs.Gaussian(4, 1, 5, 4).Data, [1L, 5, 4])]);
            default:
                b.AddOutput("y", b.MergedQkvCausalAttention(Tokens(), 8, 2, "self_attn"), F, 1, 6, 8);
                return (b, tokenInput);
        }
    }
}
