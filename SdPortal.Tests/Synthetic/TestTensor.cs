using Microsoft.ML.OnnxRuntime.Tensors;

namespace SdPortal.Tests.Synthetic;

/// <summary>A model output as float values, its shape and its stored element type.</summary>
internal sealed record TestTensor(float[] Values, long[] Shape, TensorElementType ElementType)
{
    public bool AllFinite => Values.All(float.IsFinite);

    public float StandardDeviation
    {
        get
        {
            var mean = Values.Average();
            return (float)Math.Sqrt(Values.Select(v => (v - mean) * (v - mean)).Average());
        }
    }
}
