using Microsoft.ML.OnnxRuntime.Tensors;

namespace SdPortal.Inference.Models;

/// <summary>
/// How a UNet graph takes its timestep, as read from its input metadata: the element type (int64 in diffusers' raw
/// exports, float in many optimized ones) and the shape — one value per sample [batch], one value [1], or a scalar [].
/// </summary>
/// <param name="ElementType">The declared element type.</param>
/// <param name="Shape">The declared shape kind.</param>
public sealed record TimestepForm(TensorElementType ElementType, TimestepShape Shape)
{
    /// <summary>Reads the form from the UNet's timestep port.</summary>
    /// <exception cref="ModelLoadException">The port has a rank or element type the engine cannot feed.</exception>
    internal static TimestepForm From(ModelPort port, string filePath)
    {
        if (port.ElementType is not (TensorElementType.Int64 or TensorElementType.Int32 or TensorElementType.Float
            or TensorElementType.Float16 or TensorElementType.Double))
        {
            throw new ModelLoadException(filePath, $"timestep input '{port.Name}' has unsupported type {port.ElementType}");
        }

        var shape = port.Rank switch
        {
            0 => TimestepShape.Scalar,
            1 when port.Dimensions[0] == 1 => TimestepShape.Broadcast,
            1 => TimestepShape.PerSample,
            _ => throw new ModelLoadException(filePath, $"timestep input '{port.Name}' has rank {port.Rank}; 0 or 1 expected"),
        };
        return new TimestepForm(port.ElementType, shape);
    }

    /// <summary>The tensor shape to feed for a UNet batch of <paramref name="batch"/> samples.</summary>
    public long[] TensorShape(int batch) => Shape switch
    {
        TimestepShape.Scalar => [],
        TimestepShape.Broadcast => [1],
        _ => [batch],
    };
}

/// <summary>The shape kinds a UNet's timestep input comes in.</summary>
public enum TimestepShape
{
    /// <summary>One value per sample of the batch: [batch].</summary>
    PerSample,

    /// <summary>One value shared by the batch: [1].</summary>
    Broadcast,

    /// <summary>A rank-0 scalar: [].</summary>
    Scalar,
}
