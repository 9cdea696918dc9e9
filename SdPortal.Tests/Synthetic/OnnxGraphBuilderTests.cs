using Onnx;
using SdPortal.Inference.Synthetic;
using SdPortal.Inference.Synthetic.Graph;

namespace SdPortal.Tests.Synthetic;

/// <summary>Numerical checks of the synthetic graph layer's composite operators against direct computation.</summary>
public sealed class OnnxGraphBuilderTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("sdportal-synthetic-graph-").FullName;

    [Fact]
    public void GroupNorm_GivesEachGroupZeroMeanAndUnitVariance()
    {
        var b = new OnnxGraphBuilder("group_norm", SyntheticPrecision.Fp32);
        var x = b.AddInput("x", TensorProto.Types.DataType.Float, 1, 4, 3, 5);
        b.AddOutput("y", b.GroupNorm(x, 4, 2, 1e-6f, "norm"), TensorProto.Types.DataType.Float, 1, 4, 3, 5);
        var (data, shape) = TestInputs.Gaussian(9, 1, 4, 3, 5);
        for (var i = 0; i < 30; i++)
        {
            data[i] = (data[i] * 3) + 7; // group 0 far from normal, so normalisation must do something
        }

        var y = Run(b, ("x", data, shape)).Values;

        foreach (var group in new[] { y[..30], y[30..] })
        {
            var mean = group.Average();
            Assert.InRange(mean, -1e-4, 1e-4);
            Assert.InRange(group.Select(v => (v - mean) * (v - mean)).Average(), 0.999, 1.001);
        }
    }

    [Fact]
    public void UpsampleNearest2x_RepeatsEveryPixelIntoATwoByTwoBlock()
    {
        var b = new OnnxGraphBuilder("upsample", SyntheticPrecision.Fp32);
        var x = b.AddInput("x", TensorProto.Types.DataType.Float, 1, 1, 2, 3);
        b.AddOutput("y", b.UpsampleNearest2x(x), TensorProto.Types.DataType.Float, 1, 1, 4, 6);

        var y = Run(b, ("x", new float[] { 1, 2, 3, 4, 5, 6 }, [1, 1, 2, 3]));

        Assert.Equal([1, 1, 4, 6], y.Shape);
        Assert.Equal([1, 1, 2, 2, 3, 3, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 4, 4, 5, 5, 6, 6], y.Values);
    }

    [Fact]
    public void Attention_WithOneKeyReturnsThatKeysValueForEveryQuery()
    {
        var b = new OnnxGraphBuilder("attention", SyntheticPrecision.Fp32);
        var q = b.AddInput("q", TensorProto.Types.DataType.Float, 1, 3, 4);
        var kv = b.AddInput("kv", TensorProto.Types.DataType.Float, 1, 1, 4);
        b.AddOutput("y", b.Attention(q, kv, kv, 4, 2), TensorProto.Types.DataType.Float, 1, 3, 4);
        var (query, queryShape) = TestInputs.Gaussian(10, 1, 3, 4);

        var y = Run(b, ("q", query, queryShape), ("kv", new float[] { 1, 2, 3, 4 }, [1, 1, 4])).Values;

        Assert.Equal([1, 2, 3, 4, 1, 2, 3, 4, 1, 2, 3, 4], y); // softmax over a single key is 1 in every head
    }

    [Fact]
    public void RandomWeights_HaveVarianceOneOverFanInAndStayInTheirBound()
    {
        var b = new OnnxGraphBuilder("weights", SyntheticPrecision.Fp32);
        b.AddParameter("w", WeightInit.FanIn(300), 300, 200);

        var bytes = InitializerData.ToArray(b.Initializers[0], seed: 1);
        var values = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(bytes).ToArray();

        var bound = Math.Sqrt(3.0 / 300);
        Assert.All(values, v => Assert.InRange(v, -bound, bound));
        Assert.InRange(values.Select(v => (double)v * v).Average() * 300, 0.97, 1.03);
        Assert.Equal(60_000, b.ParameterCount);
    }

    [Fact]
    public void ParameterWithGivenValues_IsStoredInTheGraphPrecision()
    {
        var b = new OnnxGraphBuilder("given", SyntheticPrecision.Fp16);
        var x = b.AddInput("x", b.FloatType, 2);
        b.AddOutput("y", b.Op("Mul", x, b.AddParameter("w", [0.5f, 3f], 2)), b.FloatType, 2);

        var y = Run(b, ("x", new float[] { 2, 2 }, [2]));

        Assert.Equal([1f, 6f], y.Values);
        Assert.Equal(Microsoft.ML.OnnxRuntime.Tensors.TensorElementType.Float16, y.ElementType);
        Assert.Equal(2, b.ParameterCount);
    }

    [Fact]
    public void Constants_AreSharedAndNotCountedAsParameters()
    {
        var b = new OnnxGraphBuilder("constants", SyntheticPrecision.Fp32);

        var first = b.AddInt64Constant(0, 0, -1);
        var second = b.AddInt64Constant(0, 0, -1);

        Assert.Equal(first, second);
        Assert.Single(b.Initializers);
        Assert.Equal(0, b.ParameterCount);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private TestTensor Run(OnnxGraphBuilder graph, params (string Name, Array Data, long[] Shape)[] inputs)
    {
        var path = Path.Combine(_dir, graph.Graph.Name + ".onnx");
        OnnxModelWriter.Write(graph, path, seed: 0, SyntheticWriteOptions.DefaultExternalDataThresholdBytes);
        using var model = new OnnxTestModel(path);
        return model.Run(inputs)["y"];
    }
}
