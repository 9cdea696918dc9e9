using Onnx;

namespace SdPortal.Inference.Lora;

/// <summary>How a weight an adapter can patch is stored in the graph.</summary>
public enum WeightLayout
{
    /// <summary>A MatMul's right operand, [in, out]: PyTorch's exporter stores nn.Linear transposed.</summary>
    InOut = 0,

    /// <summary>A Gemm with transB = 1, or a Conv kernel: [out, in] or [out, in, kh, kw], as PyTorch holds it.</summary>
    OutIn = 1,
}

/// <summary>
/// A weight of an exported model that a LoRA module can patch: the module it belongs to, the initializer that holds it
/// (named after the module for Conv and Gemm, anonymous — <c>onnx::MatMul_2568</c> — for MatMul) and its layout.
/// </summary>
/// <param name="Component">The component's model file it is in.</param>
/// <param name="ModulePath">The PyTorch module path, e.g. <c>down_blocks.1.attentions.0.transformer_blocks.0.attn1.to_q</c>.</param>
/// <param name="Initializer">The initializer's name in the graph.</param>
/// <param name="Layout">How its dimensions are ordered.</param>
/// <param name="Shape">Its dimensions as stored.</param>
/// <param name="ElementType">float or float16.</param>
public sealed record ModelWeight(
    LoraComponent Component,
    string ModulePath,
    string Initializer,
    WeightLayout Layout,
    IReadOnlyList<long> Shape,
    TensorProto.Types.DataType ElementType)
{
    /// <summary>Output features (PyTorch's first dimension).</summary>
    public long OutFeatures => Layout == WeightLayout.InOut ? Shape[1] : Shape[0];

    /// <summary>Input features times kernel area (PyTorch's remaining dimensions, flattened).</summary>
    public long InFeatures => Layout == WeightLayout.InOut ? Shape[0] : Shape.Skip(1).Aggregate(1L, (a, d) => a * d);

    /// <summary>Whether it is a convolution kernel.</summary>
    public bool IsConvolution => Shape.Count == 4;

    /// <summary>Number of elements.</summary>
    public long ElementCount => Shape.Aggregate(1L, (a, d) => a * d);
}
