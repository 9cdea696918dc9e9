namespace SdPortal.Inference.Synthetic.Graph;

/// <summary>One dimension of a graph input or output: a fixed size or a symbolic name such as <c>batch</c>.</summary>
public readonly record struct OnnxDim
{
    private OnnxDim(long value, string? param)
    {
        Value = value;
        Param = param;
    }

    /// <summary>The fixed size, when <see cref="Param"/> is null.</summary>
    public long Value { get; }

    /// <summary>The symbolic name of a dynamic dimension, or null for a fixed one.</summary>
    public string? Param { get; }

    /// <summary>A fixed dimension.</summary>
    public static OnnxDim Fixed(long value) => new(value, null);

    /// <summary>A dynamic dimension; equal names tell consumers the sizes are equal.</summary>
    public static OnnxDim Dynamic(string param) => new(0, param);

    /// <summary>Same as <see cref="Fixed"/>.</summary>
    public static implicit operator OnnxDim(long value) => Fixed(value);

    /// <summary>Same as <see cref="Dynamic"/>.</summary>
    public static implicit operator OnnxDim(string param) => Dynamic(param);

    /// <summary>Same as <see cref="Fixed"/>, for languages without implicit conversions.</summary>
    public static OnnxDim FromInt64(long value) => Fixed(value);

    /// <summary>Same as <see cref="Dynamic"/>, for languages without implicit conversions.</summary>
    public static OnnxDim FromString(string param) => Dynamic(param);

    /// <inheritdoc />
    public override string ToString() => Param ?? Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
