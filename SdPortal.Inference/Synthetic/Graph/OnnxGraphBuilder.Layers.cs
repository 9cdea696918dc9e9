using System.Globalization;

namespace SdPortal.Inference.Synthetic.Graph;

/// <content>Learned layers. Parameter names follow the PyTorch module paths (<c>{name}.weight</c>, <c>{name}.bias</c>).</content>
public sealed partial class OnnxGraphBuilder
{
    /// <summary>
    /// <c>x·W + b</c> over the last axis, named as PyTorch's exporter names it: the weight is an anonymous initializer
    /// (<c>onnx::MatMul_12</c>) stored as [in, out] (already transposed for MatMul), found only through its node's name
    /// (<c>/down_blocks.0/attentions.0/proj_in/MatMul</c>); the bias keeps its parameter name. The parameter count
    /// equals nn.Linear's.
    /// </summary>
    public string Linear(string x, int inFeatures, int outFeatures, string name, bool bias = true)
    {
        var weight = Declare(new InitializerSpec(
            string.Create(CultureInfo.InvariantCulture, $"onnx::MatMul_{NextId()}"),
            [inFeatures, outFeatures],
            FloatType,
            isParameter: true,
            WeightInit.FanIn(inFeatures),
            literal: null,
            seedName: $"{name}.weight"));
        var y = AddScopedNode(name, "MatMul", [x, weight]);
        return bias ? Op("Add", y, AddParameter($"{name}.bias", WeightInit.FanIn(inFeatures), outFeatures)) : y;
    }

    /// <summary>
    /// A square-kernel 2-D convolution with bias. Padding defaults to kernel/2 on every side ("same" for odd kernels);
    /// <paramref name="pads"/> overrides it as ONNX's [top, left, bottom, right].
    /// </summary>
    public string Conv2d(
        string x, int inChannels, int outChannels, int kernel, string name, int stride = 1, long[]? pads = null)
    {
        var fanIn = (long)inChannels * kernel * kernel;
        var weight = AddParameter($"{name}.weight", WeightInit.FanIn(fanIn), outChannels, inChannels, kernel, kernel);
        var bias = AddParameter($"{name}.bias", WeightInit.FanIn(fanIn), outChannels);
        var pad = kernel / 2;
        return AddScopedNode(
            name,
            "Conv",
            [x, weight, bias],
            OnnxAttributes.OfInts("kernel_shape", kernel, kernel),
            OnnxAttributes.OfInts("strides", stride, stride),
            OnnxAttributes.OfInts("pads", pads ?? [pad, pad, pad, pad]));
    }

    /// <summary>
    /// GroupNorm over NCHW: reshape to [N, groups, −1], InstanceNormalization (per-group statistics), reshape back, then
    /// the per-channel affine. This is the decomposition PyTorch's exporter emits; it avoids GroupNormalization
    /// (opset 18, redefined in 21), which not every execution provider implements.
    /// </summary>
    public string GroupNorm(string x, int channels, int groups, float epsilon, string name)
    {
        if (channels % groups != 0)
        {
            throw new ArgumentException($"{channels} channels cannot be split into {groups} groups ({name}).", nameof(groups));
        }

        var grouped = Reshape(x, 0, groups, -1);
        var ones = AddConstant(Enumerable.Repeat(1f, groups).ToArray(), groups);
        var zeros = AddConstant(new float[groups], groups);
        var normalized = AddNode("InstanceNormalization", [grouped, ones, zeros], OnnxAttributes.OfFloat("epsilon", epsilon));
        var restored = Op("Reshape", normalized, Op("Shape", x));
        var scale = AddParameter($"{name}.weight", WeightInit.Fill(1), channels, 1, 1);
        var shift = AddParameter($"{name}.bias", WeightInit.Fill(0), channels, 1, 1);
        return Op("Add", Op("Mul", restored, scale), shift);
    }

    /// <summary>LayerNormalization (opset 17) over the last axis with a learned scale and shift.</summary>
    public string LayerNorm(string x, int features, float epsilon, string name)
    {
        var scale = AddParameter($"{name}.weight", WeightInit.Fill(1), features);
        var shift = AddParameter($"{name}.bias", WeightInit.Fill(0), features);
        return AddNode(
            "LayerNormalization",
            [x, scale, shift],
            OnnxAttributes.OfInt("axis", -1),
            OnnxAttributes.OfFloat("epsilon", epsilon));
    }

    /// <summary>SiLU (swish): x·σ(x).</summary>
    public string SiLU(string x) => Op("Mul", x, Op("Sigmoid", x));

    /// <summary>CLIP's quick_gelu: x·σ(1.702·x).</summary>
    public string QuickGelu(string x) => Op("Mul", x, Op("Sigmoid", Op("Mul", x, AddConstant([1.702f]))));

    /// <summary>Exact GELU, ½x(1 + erf(x/√2)), written out because the Gelu operator needs opset 20.</summary>
    public string Gelu(string x)
    {
        var erf = Op("Erf", Op("Mul", x, AddConstant([(float)(1 / Math.Sqrt(2))])));
        return Op("Mul", Op("Mul", x, AddConstant([0.5f])), Op("Add", erf, AddConstant([1f])));
    }
}
