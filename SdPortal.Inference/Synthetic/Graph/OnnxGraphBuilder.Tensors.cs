using Onnx;

namespace SdPortal.Inference.Synthetic.Graph;

/// <content>Shape plumbing: reshapes, transposes, slices, casts and resizes.</content>
public sealed partial class OnnxGraphBuilder
{
    /// <summary>Reshape to a constant target; 0 copies the input's dimension, −1 infers one.</summary>
    public string Reshape(string x, params long[] shape) => Op("Reshape", x, AddInt64Constant(shape));

    /// <summary>Transpose with the given permutation.</summary>
    public string Transpose(string x, params long[] perm) => AddNode("Transpose", [x], OnnxAttributes.OfInts("perm", perm));

    /// <summary>Inserts size-1 axes (opset 13+: axes as an input).</summary>
    public string Unsqueeze(string x, params long[] axes) => Op("Unsqueeze", x, AddInt64Constant(axes));

    /// <summary>The elements [start, end) of one axis.</summary>
    public string Slice(string x, long axis, long start, long end) =>
        Op("Slice", x, AddInt64Constant(start), AddInt64Constant(end), AddInt64Constant(axis));

    /// <summary>Concatenation along <paramref name="axis"/>.</summary>
    public string Concat(long axis, params string[] inputs) => AddNode("Concat", inputs, OnnxAttributes.OfInt("axis", axis));

    /// <summary>Element type conversion.</summary>
    public string Cast(string x, TensorProto.Types.DataType to) => AddNode("Cast", [x], OnnxAttributes.OfInt("to", (long)to));

    /// <summary>Casts a float32 tensor to <see cref="FloatType"/>, or returns it unchanged in fp32 graphs.</summary>
    public string ToFloatType(string x) => FloatType == TensorProto.Types.DataType.Float ? x : Cast(x, FloatType);

    /// <summary>
    /// Nearest-neighbour ×2 upsampling of NCHW, matching PyTorch's F.interpolate(scale_factor=2, mode="nearest"):
    /// asymmetric coordinates with floor rounding.
    /// </summary>
    public string UpsampleNearest2x(string x) =>
        AddNode(
            "Resize",
            [x, string.Empty, AddFloat32Constant([1f, 1f, 2f, 2f], 4)],
            OnnxAttributes.OfString("mode", "nearest"),
            OnnxAttributes.OfString("coordinate_transformation_mode", "asymmetric"),
            OnnxAttributes.OfString("nearest_mode", "floor"));

    /// <summary>Nearest-neighbour ×2 upsampling of channels-last [N, H, W, C] (same rounding as <see cref="UpsampleNearest2x"/>).</summary>
    public string UpsampleNearest2xNhwc(string x) =>
        AddNode(
            "Resize",
            [x, string.Empty, AddFloat32Constant([1f, 2f, 2f, 1f], 4)],
            OnnxAttributes.OfString("mode", "nearest"),
            OnnxAttributes.OfString("coordinate_transformation_mode", "asymmetric"),
            OnnxAttributes.OfString("nearest_mode", "floor"));

    /// <summary>[N, C, H, W] → [N, H, W, C].</summary>
    public string ToChannelsLast(string x) => Transpose(x, 0, 2, 3, 1);

    /// <summary>[N, H, W, C] → [N, C, H, W].</summary>
    public string ToChannelsFirst(string x) => Transpose(x, 0, 3, 1, 2);

    /// <summary>[N, C, H, W] → [N, H·W, C]: image features as a token sequence.</summary>
    public string ImageToTokens(string x) => Transpose(Reshape(x, 0, 0, -1), 0, 2, 1);

    /// <summary>[N, H·W, C] → [N, C, H, W], taking N, H and W from <paramref name="shapeOf"/> (an NCHW tensor).</summary>
    public string TokensToImage(string tokens, string shapeOf) => Op("Reshape", Transpose(tokens, 0, 2, 1), Op("Shape", shapeOf));
}
