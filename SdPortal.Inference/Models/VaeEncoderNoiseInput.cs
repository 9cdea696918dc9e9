using Google.Protobuf;
using Onnx;

namespace SdPortal.Inference.Models;

/// <summary>
/// Makes an exported VAE encoder that samples inside its graph deterministic. diffusers' ONNX export draws the
/// latent as mean + std·ε with ε from a <c>RandomNormalLike</c> node, which ONNX Runtime seeds on its own (there is no
/// API to seed it): the same image would encode differently on every call. Before the session opens, the random
/// node is replaced by a graph input, and the engine feeds ε from the job's seeded noise instead. The rewritten graph
/// is opened from memory, its external data read from the original's folder (<see cref="OnnxModelFile"/>).
/// </summary>
internal static class VaeEncoderNoiseInput
{
    private static readonly string[] RandomOps = ["RandomNormalLike", "RandomNormal"];

    /// <summary>
    /// The rewritten model's bytes and ε's mean and scale; null when the encoder draws no random numbers.
    /// </summary>
    /// <exception cref="ModelLoadException">The file is unreadable, or draws random numbers in a way this cannot replace.</exception>
    public static Rewritten? Rewrite(string modelPath)
    {
        ModelProto model;
        try
        {
            using var stream = File.OpenRead(modelPath);
            model = ModelProto.Parser.ParseFrom(stream);
        }
        catch (InvalidProtocolBufferException ex)
        {
            throw new ModelLoadException(modelPath, $"is not an ONNX model ({ex.Message})", ex);
        }

        var graph = model.Graph;
        var random = graph.Node.Where(n => RandomOps.Contains(n.OpType) && n.Domain is "" or "ai.onnx").ToList();
        if (random.Count == 0)
        {
            return null;
        }

        if (random.Count > 1 || graph.Node.Any(n => n.OpType.StartsWith("Random", StringComparison.Ordinal) && !random.Contains(n)))
        {
            throw new ModelLoadException(modelPath, "draws random numbers in more than one place; an encoder that samples once (as diffusers exports it) is expected");
        }

        var node = random[0];
        var elementType = node.Attribute.FirstOrDefault(a => a.Name == "dtype") is { } dtype
            ? (int)dtype.I
            : graph.Input.FirstOrDefault(i => i.Name == "sample")?.Type.TensorType.ElemType ?? (int)TensorProto.Types.DataType.Float;
        var mean = node.Attribute.FirstOrDefault(a => a.Name == "mean")?.F ?? 0f;
        var scale = node.Attribute.FirstOrDefault(a => a.Name == "scale") is { } s ? s.F : 1f;
        var output = node.Output[0];
        graph.Node.Remove(node);
        var shape = new TensorShapeProto();
        foreach (var dim in new[] { "batch", "channels", "latent_height", "latent_width" })
        {
            shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimParam = dim });
        }

        // Consumers keep reading the node's former output, now fed from outside.
        graph.Input.Add(new ValueInfoProto
        {
            Name = output,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = elementType, Shape = shape } },
        });
        return new Rewritten(model.ToByteArray(), output, mean, scale);
    }

    /// <summary>The rewritten model and how its noise input is fed.</summary>
    /// <param name="Model">The rewritten model, serialized.</param>
    /// <param name="InputName">The input ε is fed through (the random node's former output).</param>
    /// <param name="Mean">The random node's mean: ε is fed as Mean + Scale·N(0, 1).</param>
    /// <param name="Scale">The random node's standard deviation.</param>
    public sealed record Rewritten(byte[] Model, string InputName, float Mean, float Scale);
}
