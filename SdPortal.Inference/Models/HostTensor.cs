using System.Runtime.InteropServices;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace SdPortal.Inference.Models;

/// <summary>
/// A tensor in managed memory, typed as a model port declares it, with its <see cref="OrtValue"/> created once over that
/// memory. The engine computes in float32; this is the boundary where values are converted to and from the model's
/// element type (float16 through <see cref="Half"/>, integer timesteps and token ids).
/// </summary>
internal sealed class HostTensor : IDisposable
{
    private readonly float[]? _single;
    private readonly Float16[]? _half;
    private readonly long[]? _int64;
    private readonly int[]? _int32;
    private readonly double[]? _double;

    private HostTensor(TensorElementType elementType, long[] shape)
    {
        ElementType = elementType;
        Shape = shape;
        Length = checked((int)shape.Aggregate(1L, (a, b) => a * b));
        var cpu = OrtMemoryInfo.DefaultInstance;
        Value = elementType switch
        {
            TensorElementType.Float => OrtValue.CreateTensorValueFromMemory(cpu, new Memory<float>(_single = new float[Length]), shape),
            TensorElementType.Float16 => OrtValue.CreateTensorValueFromMemory(cpu, new Memory<Float16>(_half = new Float16[Length]), shape),
            TensorElementType.Int64 => OrtValue.CreateTensorValueFromMemory(cpu, new Memory<long>(_int64 = new long[Length]), shape),
            TensorElementType.Int32 => OrtValue.CreateTensorValueFromMemory(cpu, new Memory<int>(_int32 = new int[Length]), shape),
            TensorElementType.Double => OrtValue.CreateTensorValueFromMemory(cpu, new Memory<double>(_double = new double[Length]), shape),
            _ => throw new NotSupportedException($"Tensor element type {elementType} is not supported by the engine."),
        };
    }

    /// <summary>The element type the model sees.</summary>
    public TensorElementType ElementType { get; }

    /// <summary>The tensor's shape.</summary>
    public IReadOnlyList<long> Shape { get; }

    /// <summary>The number of elements.</summary>
    public int Length { get; }

    /// <summary>The ORT view of the memory, valid until <see cref="Dispose"/>.</summary>
    public OrtValue Value { get; }

    /// <summary>Allocates a zeroed tensor of <paramref name="elementType"/> and <paramref name="shape"/>.</summary>
    public static HostTensor Create(TensorElementType elementType, params long[] shape) => new(elementType, shape);

    /// <summary>Writes float32 values at <paramref name="offset"/>, converting to the element type.</summary>
    public void Write(ReadOnlySpan<float> source, int offset = 0)
    {
        if (_single is not null)
        {
            source.CopyTo(_single.AsSpan(offset));
        }
        else if (_half is not null)
        {
            var destination = AsHalf(_half.AsSpan(offset, source.Length));
            for (var i = 0; i < source.Length; i++)
            {
                destination[i] = (Half)source[i];
            }
        }
        else
        {
            throw new InvalidOperationException($"Cannot write float data to a {ElementType} tensor.");
        }
    }

    /// <summary>Reads float32 values starting at <paramref name="offset"/>, converting from the element type.</summary>
    public void Read(Span<float> destination, int offset = 0)
    {
        if (_single is not null)
        {
            _single.AsSpan(offset, destination.Length).CopyTo(destination);
        }
        else if (_half is not null)
        {
            Widen(_half.AsSpan(offset, destination.Length), destination);
        }
        else
        {
            throw new InvalidOperationException($"Cannot read float data from a {ElementType} tensor.");
        }
    }

    /// <summary>Writes token ids, widening to int64 where the model asks for it.</summary>
    public void WriteIds(ReadOnlySpan<int> ids, int offset)
    {
        if (_int32 is not null)
        {
            ids.CopyTo(_int32.AsSpan(offset));
        }
        else if (_int64 is not null)
        {
            var destination = _int64.AsSpan(offset, ids.Length);
            for (var i = 0; i < ids.Length; i++)
            {
                destination[i] = ids[i];
            }
        }
        else
        {
            throw new InvalidOperationException($"Cannot write token ids to a {ElementType} tensor.");
        }
    }

    /// <summary>
    /// Sets every element to <paramref name="value"/>. Integer types truncate toward zero, as numpy's
    /// <c>np.array([t], dtype=int64)</c> does in diffusers' ONNX pipeline.
    /// </summary>
    public void Fill(double value)
    {
        _single?.AsSpan().Fill((float)value);
        if (_half is not null)
        {
            AsHalf(_half).Fill((Half)value);
        }

        _int64?.AsSpan().Fill((long)value);
        _int32?.AsSpan().Fill((int)value);
        _double?.AsSpan().Fill(value);
    }

    /// <summary>Sets <paramref name="count"/> elements from <paramref name="offset"/> to <paramref name="value"/>, as <see cref="Fill(double)"/> converts.</summary>
    public void Fill(double value, int offset, int count)
    {
        _single?.AsSpan(offset, count).Fill((float)value);
        if (_half is not null)
        {
            AsHalf(_half.AsSpan(offset, count)).Fill((Half)value);
        }

        _int64?.AsSpan(offset, count).Fill((long)value);
        _int32?.AsSpan(offset, count).Fill((int)value);
        _double?.AsSpan(offset, count).Fill(value);
    }

    /// <summary>The value an element holds after <see cref="Fill(double)"/> with <paramref name="value"/>, as a double
    /// (integer types truncate toward zero, float16 rounds), so two timesteps can be compared as the model sees them.</summary>
    public static double AsFed(TensorElementType elementType, double value) => elementType switch
    {
        TensorElementType.Int64 or TensorElementType.Int32 => Math.Truncate(value),
        TensorElementType.Float16 => (double)(Half)value,
        TensorElementType.Float => (float)value,
        _ => value,
    };

    /// <summary>Reads float32 or float16 data out of any tensor <paramref name="value"/> (e.g. one ORT allocated).</summary>
    public static void ReadFrom(OrtValue value, Span<float> destination, int offset = 0)
    {
        var elementType = value.GetTensorTypeAndShape().ElementDataType;
        if (elementType == TensorElementType.Float)
        {
            value.GetTensorDataAsSpan<float>().Slice(offset, destination.Length).CopyTo(destination);
        }
        else if (elementType == TensorElementType.Float16)
        {
            Widen(value.GetTensorDataAsSpan<Float16>().Slice(offset, destination.Length), destination);
        }
        else
        {
            throw new InvalidOperationException($"Cannot read float data from a {elementType} tensor.");
        }
    }

    /// <inheritdoc />
    public void Dispose() => Value.Dispose();

    // ORT's Float16 and System.Half are both IEEE 754 binary16 in one ushort, so the memory is reinterpreted, not copied.
    private static Span<Half> AsHalf(Span<Float16> values) => MemoryMarshal.Cast<Float16, Half>(values);

    private static void Widen(ReadOnlySpan<Float16> source, Span<float> destination)
    {
        var halves = MemoryMarshal.Cast<Float16, Half>(source);
        for (var i = 0; i < destination.Length; i++)
        {
            destination[i] = (float)halves[i];
        }
    }
}
