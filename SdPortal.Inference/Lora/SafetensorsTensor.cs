namespace SdPortal.Inference.Lora;

/// <summary>One tensor of a <see cref="SafetensorsFile"/>: its name, type, shape and where its bytes lie.</summary>
/// <param name="Name">The key, e.g. <c>lora_unet_down_blocks_0_attentions_0_proj_in.lora_down.weight</c>.</param>
/// <param name="DType">The element type.</param>
/// <param name="Shape">The dimensions, outermost first (a scalar has none).</param>
/// <param name="Offset">The first byte, from the start of the file.</param>
/// <param name="Length">The bytes it spans: elements × element size.</param>
public sealed record SafetensorsTensor(string Name, SafetensorsDType DType, IReadOnlyList<long> Shape, long Offset, long Length)
{
    /// <summary>Elements in the tensor.</summary>
    public long ElementCount => Shape.Aggregate(1L, (product, dimension) => product * dimension);

    /// <summary>Bytes per element of <paramref name="dtype"/>.</summary>
    public static int ElementSize(SafetensorsDType dtype) => dtype == SafetensorsDType.F32 ? 4 : 2;
}
