using Onnx;

namespace SdPortal.Inference.Synthetic.Graph;

/// <summary>
/// An initializer declared by <see cref="OnnxGraphBuilder"/> but not yet materialised: its values are produced only when
/// the model is written (<see cref="InitializerData"/>), so building a graph, even the full SD 1.5 UNet, costs no weight
/// memory and parameter counts come for free.
/// </summary>
public sealed class InitializerSpec
{
    private readonly long[] _shape;
    private readonly byte[]? _literal;

    internal InitializerSpec(
        string name,
        long[] shape,
        TensorProto.Types.DataType elementType,
        bool isParameter,
        WeightInit init,
        byte[]? literal,
        InitializerDerivation? derivation = null,
        string? seedName = null)
    {
        Name = name;
        SeedName = seedName ?? name;
        _shape = shape;
        ElementType = elementType;
        IsParameter = isParameter;
        Init = init;
        _literal = literal;
        Derivation = derivation;
        ElementCount = shape.Aggregate(1L, (a, d) => a * d);
    }

    /// <summary>The tensor's name in the graph.</summary>
    public string Name { get; }

    /// <summary>
    /// The name its random values are seeded by: the PyTorch parameter name (<c>…to_q.weight</c>) even where the graph
    /// stores the tensor anonymously (<c>onnx::MatMul_12</c>), so renaming a tensor never changes a model's weights.
    /// </summary>
    public string SeedName { get; }

    /// <summary>The tensor's dimensions.</summary>
    public IReadOnlyList<long> Shape => _shape;

    /// <summary>The stored element type.</summary>
    public TensorProto.Types.DataType ElementType { get; }

    /// <summary>True for learned weights (counted as parameters); false for constants such as reshape targets.</summary>
    public bool IsParameter { get; }

    /// <summary>How values are drawn when <see cref="Literal"/> is empty.</summary>
    public WeightInit Init { get; }

    /// <summary>The exact little-endian bytes of a constant, or empty for a drawn tensor.</summary>
    public ReadOnlyMemory<byte> Literal => _literal;

    /// <summary>
    /// How the values are computed from other (undeclared) tensors, e.g. a packed Q/K/V weight from the plain form's
    /// to_q, to_k and to_v; null for a tensor drawn or given directly.
    /// </summary>
    public InitializerDerivation? Derivation { get; }

    /// <summary>True when the bytes are given rather than drawn.</summary>
    public bool HasLiteral => _literal is not null;

    /// <summary>Number of elements.</summary>
    public long ElementCount { get; }

    /// <summary>Size of the stored data in bytes.</summary>
    public long ByteLength => ElementCount * ElementSize(ElementType);

    /// <summary>Bytes per element of the element types synthetic graphs store.</summary>
    public static int ElementSize(TensorProto.Types.DataType type) => type switch
    {
        TensorProto.Types.DataType.Float or TensorProto.Types.DataType.Int32 => 4,
        TensorProto.Types.DataType.Float16 => 2,
        TensorProto.Types.DataType.Int64 => 8,
        _ => throw new NotSupportedException($"Initializer element type {type} is not used by synthetic graphs."),
    };
}
