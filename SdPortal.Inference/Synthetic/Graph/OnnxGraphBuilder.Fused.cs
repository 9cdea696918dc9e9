namespace SdPortal.Inference.Synthetic.Graph;

/// <content>
/// Layers of the fused form: ONNX Runtime's <c>com.microsoft</c> operators as its Stable Diffusion optimizer emits them
/// for the CUDA provider (ContribOperators.md; fusion_attention_unet, fusion_group_norm, fusion_nhwc_conv,
/// fusion_bias_add, fusion_biassplitgelu). Image tensors are channels-last [N, H, W, C]. Parameter names and values are
/// the plain form's; packed and transposed weights are derived from them (<see cref="InitializerDerivation"/>).
/// </content>
public sealed partial class OnnxGraphBuilder
{
    /// <summary>NhwcConv over [N, H, W, C] with the plain conv's weight transposed to [out, kh, kw, in], plus its bias.</summary>
    public string NhwcConv2d(
        string x, int inChannels, int outChannels, int kernel, string name, int stride = 1, long[]? pads = null)
    {
        var fanIn = (long)inChannels * kernel * kernel;
        var source = new InitializerSource($"{name}.weight", WeightInit.FanIn(fanIn), [outChannels, inChannels, kernel, kernel]);
        var weight = AddDerivedParameter(
            $"{name}.weight_nhwc",
            new InitializerDerivation([source], s => WeightLayouts.ToChannelsLast(s[0], outChannels, inChannels, kernel)),
            outChannels,
            kernel,
            kernel,
            inChannels);
        var bias = AddParameter($"{name}.bias", WeightInit.FanIn(fanIn), outChannels);
        var pad = kernel / 2;
        return AddContribNode(
            "NhwcConv",
            [x, weight, bias],
            OnnxAttributes.OfInts("kernel_shape", kernel, kernel),
            OnnxAttributes.OfInts("strides", stride, stride),
            OnnxAttributes.OfInts("pads", pads ?? [pad, pad, pad, pad]));
    }

    /// <summary>com.microsoft.GroupNorm, channels-last, optionally followed by SiLU inside the same kernel.</summary>
    public string GroupNormNhwc(string x, int channels, int groups, float epsilon, string name, bool silu)
    {
        var (gamma, beta) = GroupNormAffine(channels, groups, name);
        return AddContribNode("GroupNorm", [x, gamma, beta], GroupNormAttributes(groups, epsilon, silu));
    }

    /// <summary>
    /// com.microsoft.SkipGroupNorm: GroupNorm(x + skip) (+ SiLU), channels-last. <paramref name="skip"/> is [N, C]
    /// (a ResNet's projected time embedding, broadcast over H and W) or [N, H, W, C].
    /// </summary>
    public string SkipGroupNormNhwc(string x, string skip, int channels, int groups, float epsilon, string name, bool silu)
    {
        var (gamma, beta) = GroupNormAffine(channels, groups, name);
        return AddContribNode("SkipGroupNorm", [x, gamma, beta, skip], GroupNormAttributes(groups, epsilon, silu));
    }

    /// <summary>
    /// Self-attention through com.microsoft.MultiHeadAttention with packed QKV: one MatMul with the per-head
    /// interleaved to_q/to_k/to_v weight, reshaped to [N, S, heads, 3, headSize]. With <paramref name="projectionBias"/>
    /// (the VAE) the interleaved biases are added before the reshape. Returns [N, S, dim], before to_out.
    /// </summary>
    public string PackedQkvAttention(string x, int dim, int heads, string name, bool projectionBias)
    {
        var headSize = HeadSize(dim, heads);
        string[] parts = [$"{name}.to_q", $"{name}.to_k", $"{name}.to_v"];
        var weight = AddDerivedParameter(
            $"{name}.to_qkv.weight",
            new InitializerDerivation(
                [.. parts.Select(p => new InitializerSource($"{p}.weight", WeightInit.FanIn(dim), [dim, dim]))],
                s => WeightLayouts.InterleaveHeads(s, dim, heads)),
            dim,
            3L * dim);
        var packed = Op("MatMul", x, weight);
        if (projectionBias)
        {
            var bias = AddDerivedParameter(
                $"{name}.to_qkv.bias",
                new InitializerDerivation(
                    [.. parts.Select(p => new InitializerSource($"{p}.bias", WeightInit.FanIn(dim), [dim]))],
                    s => WeightLayouts.InterleaveHeads(s, 1, heads)),
                3L * dim);
            packed = Op("Add", packed, bias);
        }

        return AddContribNode(
            "MultiHeadAttention", [Reshape(packed, 0, 0, heads, 3, headSize)], OnnxAttributes.OfInt("num_heads", heads));
    }

    /// <summary>
    /// Cross-attention through com.microsoft.MultiHeadAttention with packed KV: Q from the hidden states, K and V from
    /// one MatMul of the context with the interleaved to_k/to_v weight, reshaped to [N, S, heads, 2, headSize].
    /// </summary>
    public string PackedKvCrossAttention(string x, string context, int dim, int contextDim, int heads, string name)
    {
        var headSize = HeadSize(dim, heads);
        var q = Linear(x, dim, dim, $"{name}.to_q", bias: false);
        var weight = AddDerivedParameter(
            $"{name}.to_kv.weight",
            new InitializerDerivation(
                [
                    new InitializerSource($"{name}.to_k.weight", WeightInit.FanIn(contextDim), [contextDim, dim]),
                    new InitializerSource($"{name}.to_v.weight", WeightInit.FanIn(contextDim), [contextDim, dim]),
                ],
                s => WeightLayouts.InterleaveHeads(s, contextDim, heads)),
            contextDim,
            2L * dim);
        var kv = Reshape(Op("MatMul", context, weight), 0, 0, heads, 2, headSize);
        return AddContribNode("MultiHeadAttention", [q, kv], OnnxAttributes.OfInt("num_heads", heads));
    }

    /// <summary>
    /// CLIP's causal self-attention as com.microsoft.Attention (what fusion_attention_clip emits): the q/k/v
    /// projections merged into one [d, 3d] weight and [3d] bias, causality by <c>unidirectional</c>. Returns [N, L, d].
    /// </summary>
    public string MergedQkvCausalAttention(string x, int dim, int heads, string name)
    {
        _ = HeadSize(dim, heads);
        string[] parts = [$"{name}.q_proj", $"{name}.k_proj", $"{name}.v_proj"];
        var weight = AddDerivedParameter(
            $"{name}.qkv_proj.weight",
            new InitializerDerivation(
                [.. parts.Select(p => new InitializerSource($"{p}.weight", WeightInit.FanIn(dim), [dim, dim]))],
                s => WeightLayouts.ConcatColumns(s, dim)),
            dim,
            3L * dim);
        var bias = AddDerivedParameter(
            $"{name}.qkv_proj.bias",
            new InitializerDerivation(
                [.. parts.Select(p => new InitializerSource($"{p}.bias", WeightInit.FanIn(dim), [dim]))],
                s => WeightLayouts.ConcatColumns(s, 1)),
            3L * dim);
        return AddContribNode(
            "Attention",
            [x, weight, bias],
            OnnxAttributes.OfInt("num_heads", heads),
            OnnxAttributes.OfInt("unidirectional", 1));
    }

    /// <summary>A Linear layer whose bias and residual are added by one com.microsoft.BiasAdd: x·W + b + skip.</summary>
    public string LinearBiasAdd(string x, int inFeatures, int outFeatures, string name, string skip)
    {
        var projected = Linear(x, inFeatures, outFeatures, name, bias: false);
        var bias = AddParameter($"{name}.bias", WeightInit.FanIn(inFeatures), outFeatures);
        return AddContribNode("BiasAdd", [projected, bias, skip]);
    }

    /// <summary>
    /// GEGLU's projection and gate as one MatMul and com.microsoft.BiasSplitGelu: (x·W + b) split in halves, the first
    /// times GELU of the second. Returns [N, S, inner].
    /// </summary>
    public string BiasSplitGelu(string x, int dim, int inner, string name)
    {
        var projected = Linear(x, dim, inner * 2, name, bias: false);
        var bias = AddParameter($"{name}.bias", WeightInit.FanIn(dim), inner * 2L);
        return AddContribNode("BiasSplitGelu", [projected, bias]);
    }

    private (string Gamma, string Beta) GroupNormAffine(int channels, int groups, string name)
    {
        if (channels % groups != 0)
        {
            throw new ArgumentException($"{channels} channels cannot be split into {groups} groups ({name}).", nameof(groups));
        }

        return (AddFloat32Parameter($"{name}.weight", WeightInit.Fill(1), channels),
            AddFloat32Parameter($"{name}.bias", WeightInit.Fill(0), channels));
    }

    private static Onnx.AttributeProto[] GroupNormAttributes(int groups, float epsilon, bool silu) =>
    [
        OnnxAttributes.OfInt("activation", silu ? 1 : 0),
        OnnxAttributes.OfInt("channels_last", 1),
        OnnxAttributes.OfFloat("epsilon", epsilon),
        OnnxAttributes.OfInt("groups", groups),
    ];

    private static int HeadSize(int dim, int heads) =>
        dim % heads == 0 ? dim / heads : throw new ArgumentException($"{dim} channels cannot be split into {heads} heads.", nameof(heads));
}
