using Onnx;
using SdPortal.Inference.Synthetic;
using SdPortal.Inference.Synthetic.Architectures;
using SdPortal.Inference.Synthetic.Architectures.Fused;
using SdPortal.Inference.Synthetic.Graph;

namespace SdPortal.Tests.Synthetic;

/// <summary>
/// The fused form's graphs as written files: the com.microsoft operators the CUDA provider's fast paths need, no plain
/// attention left, a well-formed graph (every input defined before use, every initializer used), the opset imports its
/// operators need, an IR version ONNX Runtime 1.31 accepts, and the plain form's I/O and parameter count.
/// </summary>
[Collection(TinySyntheticSuite.Name)]
public sealed class FusedFormStructureTests(TinySyntheticFolders folders)
{
    private const string Contrib = OnnxGraphBuilder.ContribDomain;

    private string Fused => folders.Write("fused-structure", new SyntheticWriteOptions { Form = SyntheticForm.Fused });

    [Fact]
    public void FusedUNet_UsesTheContribOperatorsAndNoPlainAttentionOrConv()
    {
        var ops = OpCounts(Load(Fused, "unet"));

        // tiny: transformers in down block 0, the mid block and up block 1 (two layers) = 4, each self + cross attention
        Assert.Equal(8, ops.GetValueOrDefault($"{Contrib}:MultiHeadAttention"));
        Assert.Equal(4, ops.GetValueOrDefault($"{Contrib}:BiasSplitGelu"));
        Assert.Equal(12, ops.GetValueOrDefault($"{Contrib}:BiasAdd")); // to_out of attn1 and attn2, ff.net.2
        Assert.True(ops.GetValueOrDefault($"{Contrib}:GroupNorm") > 0);
        Assert.True(ops.GetValueOrDefault($"{Contrib}:SkipGroupNorm") > 0);
        Assert.True(ops.GetValueOrDefault($"{Contrib}:NhwcConv") > 0);
        foreach (var plain in new[] { "Softmax", "Conv", "InstanceNormalization", "Erf" })
        {
            Assert.False(ops.ContainsKey(plain), $"the fused UNet still has {plain}");
        }

        Assert.Equal(2, ops["Transpose"]); // into channels-last once, out once
    }

    [Fact]
    public void FusedSd15UNet_HasAFusedAttentionForEveryPlainOne()
    {
        var config = SyntheticModelConfig.Sd15;
        var plain = OpCounts(UNetGraph.Build(config.UNet, SyntheticPrecision.Fp16, TimestepKind.Int64PerSample).Graph);
        var fused = OpCounts(FusedUNetGraph.Build(config.UNet, SyntheticPrecision.Fp16, TimestepKind.Int64PerSample).Graph);

        Assert.Equal(32, plain["Softmax"]); // 16 transformers × (self + cross)
        Assert.Equal(plain["Softmax"], fused[$"{Contrib}:MultiHeadAttention"]);
        Assert.Equal(plain["Conv"], fused[$"{Contrib}:NhwcConv"]);
        Assert.Equal(plain["InstanceNormalization"], fused[$"{Contrib}:GroupNorm"] + fused[$"{Contrib}:SkipGroupNorm"]);
        Assert.Equal(16, fused[$"{Contrib}:BiasSplitGelu"]);
    }

    [Theory]
    [InlineData("tiny")]
    [InlineData("sd15")]
    public void FusedForm_HasThePlainFormsParameterCounts(string name)
    {
        var config = SyntheticModelConfig.FromName(name);
        var plain = SyntheticComponents.For(config, SyntheticPrecision.Fp16, TimestepKind.Int64PerSample, includeVaeEncoder: false);
        var fused = SyntheticComponents.For(
            config, SyntheticPrecision.Fp16, TimestepKind.Int64PerSample, includeVaeEncoder: false, SyntheticForm.Fused);

        Assert.Equal(
            plain.Select(c => (c.Name, c.Build().ParameterCount)),
            fused.Select(c => (c.Name, c.Build().ParameterCount)));
    }

    [Theory]
    [InlineData("text_encoder")]
    [InlineData("unet")]
    [InlineData("vae_decoder")]
    public void FusedComponent_IsAWellFormedGraphWithThePlainFormsInputsAndOutputs(string component)
    {
        var model = ModelProto.Parser.ParseFrom(File.ReadAllBytes(Path.Combine(Fused, component, "model.onnx")));
        var plain = Load(folders.Fp32, component);

        Assert.InRange(model.IrVersion, 3, 13); // ONNX Runtime 1.31 reads IR versions up to 13
        var imported = model.OpsetImport.ToDictionary(o => o.Domain, o => o.Version);
        Assert.Equal(OnnxModelWriter.Opset, imported[string.Empty]);
        Assert.All(model.Graph.Node, n => Assert.True(imported.ContainsKey(n.Domain), $"{n.Name}: domain '{n.Domain}' is not imported"));
        Assert.Equal(component != "text_encoder" || model.Graph.Node.Any(n => n.Domain == Contrib), imported.ContainsKey(Contrib));

        AssertWellFormed(model.Graph);
        Assert.Equal(Signature(plain.Input), Signature(model.Graph.Input));
        Assert.Equal(Signature(plain.Output), Signature(model.Graph.Output));
    }

    [Fact]
    public void PackedWeights_AreThePlainFormsWeightsRearranged()
    {
        var plainGraph = Load(folders.Fp32, "unet");
        var plain = Initializers(plainGraph);
        var byModule = plainGraph.Node.Where(n => n.OpType == "MatMul" && plain.ContainsKey(n.Input[1]))
            .ToDictionary(n => TorchScope.ModulePath(n.Name)!, n => plain[n.Input[1]]); // MatMul weights are anonymous, as torch exports them
        var fused = Initializers(Load(Fused, "unet"));
        const string Attn = "down_blocks.0.attentions.0.transformer_blocks.0.attn1";
        const int Dim = 32;
        const int Heads = 2;

        var qkv = fused[$"{Attn}.to_qkv.weight"];
        var q = byModule[$"{Attn}.to_q"];
        var k = byModule[$"{Attn}.to_k"];
        var v = byModule[$"{Attn}.to_v"];
        Assert.Equal(WeightLayouts.InterleaveHeads([q, k, v], Dim, Heads), qkv);
        Assert.Equal(q[..16], qkv[..16]); // row 0: head 0 of Q, K, V, then head 1
        Assert.Equal(k[..16], qkv[16..32]);
        Assert.Equal(v[16..32], qkv[80..96]);

        var convIn = plain["conv_in.weight"]; // [32, 4, 3, 3]
        var nhwc = fused["conv_in.weight_nhwc"]; // [32, 3, 3, 4]
        Assert.Equal(convIn[(((5 * 4) + 2) * 9) + 7], nhwc[(((5 * 9) + 7) * 4) + 2]);
        Assert.Equal(WeightLayouts.ToChannelsLast(convIn, 32, 4, 3), nhwc);
    }

    private static GraphProto Load(string folder, string component) =>
        ModelProto.Parser.ParseFrom(File.ReadAllBytes(Path.Combine(folder, component, "model.onnx"))).Graph;

    private static Dictionary<string, int> OpCounts(GraphProto graph) =>
        graph.Node.GroupBy(n => n.Domain.Length == 0 ? n.OpType : $"{n.Domain}:{n.OpType}")
            .ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);

    private static Dictionary<string, float[]> Initializers(GraphProto graph) =>
        graph.Initializer.Where(t => t.DataType == (int)TensorProto.Types.DataType.Float)
            .ToDictionary(t => t.Name, t => System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(t.RawData.Span).ToArray());

    private static string[] Signature(IEnumerable<ValueInfoProto> ports) =>
        [.. ports.Select(p => $"{p.Name}:{p.Type.TensorType.ElemType}:[{string.Join(',', p.Type.TensorType.Shape.Dim.Select(d => d.DimParam.Length > 0 ? d.DimParam : d.DimValue.ToString(System.Globalization.CultureInfo.InvariantCulture)))}]")];

    /// <summary>Nodes in topological order, each input defined before use, output names unique, no unused initializer.</summary>
    private static void AssertWellFormed(GraphProto graph)
    {
        var defined = new HashSet<string>(graph.Input.Select(i => i.Name).Concat(graph.Initializer.Select(i => i.Name)), StringComparer.Ordinal);
        var used = new HashSet<string>(StringComparer.Ordinal);
        foreach (var node in graph.Node)
        {
            foreach (var input in node.Input.Where(i => i.Length > 0))
            {
                Assert.True(defined.Contains(input), $"{node.Name} reads '{input}' before it is defined");
                used.Add(input);
            }

            Assert.All(node.Output, o => Assert.True(defined.Add(o), $"{node.Name} redefines '{o}'"));
        }

        Assert.All(graph.Output, o => Assert.Contains(o.Name, defined));
        var unused = graph.Initializer.Select(i => i.Name).Where(n => !used.Contains(n)).ToList();
        Assert.True(unused.Count == 0, $"unused initializers: {string.Join(", ", unused)}");
    }
}
