using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace SdPortal.Inference.Models;

/// <summary>One input or output of an ONNX graph as its metadata declares it (dimension −1: symbolic or dynamic).</summary>
/// <param name="Name">The graph's name for the port.</param>
/// <param name="ElementType">The tensor element type (float, float16, int64, ...).</param>
/// <param name="Dimensions">The declared shape; −1 where the dimension is not fixed.</param>
public sealed record ModelPort(string Name, TensorElementType ElementType, IReadOnlyList<int> Dimensions)
{
    /// <summary>The number of dimensions.</summary>
    public int Rank => Dimensions.Count;

    /// <summary>Whether the dimension at <paramref name="axis"/> is fixed to a known size.</summary>
    public bool IsFixed(int axis) => Dimensions[axis] > 0;

    /// <summary>Whether the port carries floating-point data the engine can convert to and from float32.</summary>
    public bool IsFloatingPoint => ElementType is TensorElementType.Float or TensorElementType.Float16;

    /// <summary>
    /// Finds a tensor port by one of <paramref name="names"/>, or else the only port of rank <paramref name="rank"/>.
    /// </summary>
    /// <exception cref="ModelLoadException">No port matches, or several match by rank alone.</exception>
    internal static ModelPort Find(
        IReadOnlyDictionary<string, NodeMetadata> metadata, string filePath, string role, int rank, params string[] names)
    {
        foreach (var name in names)
        {
            if (metadata.TryGetValue(name, out var node) && node.IsTensor)
            {
                return From(name, node);
            }
        }

        var byRank = metadata.Where(p => p.Value.IsTensor && p.Value.Dimensions.Length == rank).ToList();
        if (byRank.Count == 1)
        {
            return From(byRank[0].Key, byRank[0].Value);
        }

        var declared = string.Join(", ", metadata.Keys);
        throw new ModelLoadException(
            filePath, $"has no {role} port (looked for {string.Join(" or ", names)}, or one rank-{rank} tensor; found {declared})");
    }

    private static ModelPort From(string name, NodeMetadata node) =>
        new(name, node.ElementDataType, node.Dimensions);
}
