using System.Globalization;
using System.Runtime.InteropServices;
using Onnx;

namespace SdPortal.Inference.Synthetic.Graph;

/// <content>Initializer declarations: learned parameters (drawn at write time or given) and shared constants.</content>
public sealed partial class OnnxGraphBuilder
{
    /// <summary>Declares a learned weight of the given shape, stored in <see cref="FloatType"/>.</summary>
    public string AddParameter(string name, WeightInit init, params long[] shape) =>
        Declare(new InitializerSpec(name, shape, FloatType, isParameter: true, init, literal: null));

    /// <summary>
    /// Declares a learned weight with given values (converted to <see cref="FloatType"/>), for hand-made weights such as
    /// an identity projection in a test graph.
    /// </summary>
    public string AddParameter(string name, float[] values, params long[] shape)
    {
        if (values.LongLength != shape.Aggregate(1L, (a, d) => a * d))
        {
            throw new ArgumentException($"{values.Length} values do not fill shape [{string.Join(", ", shape)}].", nameof(values));
        }

        return Declare(new InitializerSpec(name, shape, FloatType, isParameter: true, WeightInit.Fill(0), Encode(values)));
    }

    /// <summary>A learned float32 weight whatever the precision (ONNX Runtime's GroupNorm fusion keeps gamma/beta in float32).</summary>
    public string AddFloat32Parameter(string name, WeightInit init, params long[] shape) =>
        Declare(new InitializerSpec(name, shape, TensorProto.Types.DataType.Float, isParameter: true, init, literal: null));

    /// <summary>
    /// Declares a learned weight in <see cref="FloatType"/> whose values are computed from plain-form tensors when the
    /// model is written (<see cref="InitializerDerivation"/>), so both forms of a model share their weights.
    /// </summary>
    public string AddDerivedParameter(string name, InitializerDerivation derivation, params long[] shape)
    {
        var count = shape.Aggregate(1L, (a, d) => a * d);
        var sourceCount = derivation.Sources.Sum(s => s.ElementCount);
        if (count != sourceCount)
        {
            throw new ArgumentException($"'{name}' has {count} elements but its sources hold {sourceCount}.", nameof(shape));
        }

        return Declare(new InitializerSpec(name, shape, FloatType, isParameter: true, WeightInit.Fill(0), literal: null, derivation));
    }

    /// <summary>A constant in <see cref="FloatType"/> (masks, scales); equal constants are shared.</summary>
    public string AddConstant(float[] values, params long[] shape) => Constant(FloatType, Encode(values), shape);

    /// <summary>A float32 constant whatever the precision (Resize scales, timestep frequencies).</summary>
    public string AddFloat32Constant(float[] values, params long[] shape) =>
        Constant(TensorProto.Types.DataType.Float, MemoryMarshal.AsBytes(values.AsSpan()), shape);

    /// <summary>A 1-D int64 constant (shapes, axes, slice bounds).</summary>
    public string AddInt64Constant(params long[] values) =>
        Constant(TensorProto.Types.DataType.Int64, MemoryMarshal.AsBytes(values.AsSpan()), [values.Length]);

    private string Constant(TensorProto.Types.DataType type, ReadOnlySpan<byte> bytes, long[] shape)
    {
        var key = string.Create(CultureInfo.InvariantCulture, $"{type}|{string.Join(',', shape)}|{Convert.ToBase64String(bytes)}");
        if (!_constants.TryGetValue(key, out var name))
        {
            name = string.Create(CultureInfo.InvariantCulture, $"const_{NextId()}");
            Declare(new InitializerSpec(name, shape, type, isParameter: false, WeightInit.Fill(0), bytes.ToArray()));
            _constants.Add(key, name);
        }

        return name;
    }

    private string Declare(InitializerSpec spec)
    {
        if (!_initializerNames.Add(spec.Name))
        {
            throw new InvalidOperationException($"Initializer '{spec.Name}' is declared twice in graph '{Graph.Name}'.");
        }

        _initializers.Add(spec);
        return spec.Name;
    }

    /// <summary>Little-endian bytes of <paramref name="values"/> in <see cref="FloatType"/>.</summary>
    private byte[] Encode(float[] values) =>
        FloatType == TensorProto.Types.DataType.Float16
            ? MemoryMarshal.AsBytes(values.Select(v => (Half)v).ToArray().AsSpan()).ToArray()
            : MemoryMarshal.AsBytes(values.AsSpan()).ToArray();
}
