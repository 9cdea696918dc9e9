using Google.Protobuf;
using Onnx;

namespace SdPortal.Inference.Synthetic.Graph;

/// <summary>Factory for the <see cref="AttributeProto"/> kinds synthetic graphs use.</summary>
public static class OnnxAttributes
{
    /// <summary>An integer attribute (<c>axis</c>, <c>keepdims</c>, <c>to</c>…).</summary>
    public static AttributeProto OfInt(string name, long value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    /// <summary>An integer-list attribute (<c>perm</c>, <c>pads</c>, <c>strides</c>…).</summary>
    public static AttributeProto OfInts(string name, params long[] values)
    {
        var attribute = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        attribute.Ints.Add(values);
        return attribute;
    }

    /// <summary>A float attribute (<c>epsilon</c>…).</summary>
    public static AttributeProto OfFloat(string name, float value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = value };

    /// <summary>A string attribute (<c>mode</c>…).</summary>
    public static AttributeProto OfString(string name, string value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.String, S = ByteString.CopyFromUtf8(value) };
}
