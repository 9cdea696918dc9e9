using System.Globalization;
using Google.Protobuf;
using Onnx;

namespace SdPortal.Inference.Synthetic.Graph;

/// <summary>
/// Serialises an <see cref="OnnxGraphBuilder"/> to <c>model.onnx</c>, drawing its initializers on the way. Small
/// models embed weights as <c>raw_data</c>; large ones stream their parameters to an external data file beside the
/// model (ONNX's external-data convention: <c>location</c>/<c>offset</c>/<c>length</c> entries), so neither the 2 GB
/// protobuf limit nor memory bounds the model size.
/// </summary>
public static class OnnxModelWriter
{
    /// <summary>ONNX opset of synthetic graphs: 17 is the first with LayerNormalization.</summary>
    public const int Opset = 17;

    /// <summary>IR version 8 goes with opset 17 and loads in every ONNX Runtime since 1.10.</summary>
    public const long IrVersion = 8;

    /// <summary>Version of ONNX Runtime's contrib domain (<c>com.microsoft</c>) that fused graphs import.</summary>
    public const int ContribOpset = 1;

    // Aligned offsets let runtimes memory-map tensors directly; 4096 is what the onnx package uses for large tensors.
    private const int ExternalAlignment = 4096;

    /// <summary>Writes the model and reports the bytes written.</summary>
    /// <param name="graph">The graph to write.</param>
    /// <param name="modelPath">Path of the <c>.onnx</c> file; external data goes to <c>{modelPath}.data</c>.</param>
    /// <param name="seed">Seed of the random initializers.</param>
    /// <param name="externalThresholdBytes">Initializer bytes above which data is written externally.</param>
    public static OnnxWriteResult Write(OnnxGraphBuilder graph, string modelPath, ulong seed, long externalThresholdBytes)
    {
        var weightBytes = graph.Initializers.Sum(i => i.ByteLength);
        var external = weightBytes > externalThresholdBytes;
        var dataPath = modelPath + ".data";
        var model = new ModelProto
        {
            IrVersion = IrVersion,
            ProducerName = "SdPortal.Synthetic",
            ProducerVersion = "1",
            Graph = graph.Graph.Clone(),
        };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = string.Empty, Version = Opset });
        if (graph.Graph.Node.Any(n => n.Domain == OnnxGraphBuilder.ContribDomain))
        {
            model.OpsetImport.Add(new OperatorSetIdProto { Domain = OnnxGraphBuilder.ContribDomain, Version = ContribOpset });
        }

        long dataBytes = 0;
        if (external)
        {
            using var data = new FileStream(dataPath, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20);
            foreach (var spec in graph.Initializers)
            {
                // Constants (reshape targets, axes, masks) stay inline: shape inference must read them at load time.
                model.Graph.Initializer.Add(spec.IsParameter
                    ? WriteExternal(spec, seed, data, Path.GetFileName(dataPath))
                    : Embedded(spec, seed));
            }

            dataBytes = data.Length;
        }
        else
        {
            File.Delete(dataPath); // a stale file from an earlier, larger write would be mistaken for this model's data
            foreach (var spec in graph.Initializers)
            {
                model.Graph.Initializer.Add(Embedded(spec, seed));
            }
        }

        using (var output = new FileStream(modelPath, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20))
        {
            model.WriteTo(output);
        }

        return new OnnxWriteResult(new FileInfo(modelPath).Length, dataBytes);
    }

    private static TensorProto WriteExternal(InitializerSpec spec, ulong seed, FileStream data, string location)
    {
        var padding = (ExternalAlignment - (data.Position % ExternalAlignment)) % ExternalAlignment;
        data.Write(new byte[padding]);
        var offset = data.Position;
        InitializerData.WriteTo(spec, seed, data);

        var tensor = WithHeader(spec, rawData: null);
        tensor.DataLocation = TensorProto.Types.DataLocation.External;
        tensor.ExternalData.Add(Entry("location", location));
        tensor.ExternalData.Add(Entry("offset", offset.ToString(CultureInfo.InvariantCulture)));
        tensor.ExternalData.Add(Entry("length", spec.ByteLength.ToString(CultureInfo.InvariantCulture)));
        return tensor;
    }

    private static TensorProto Embedded(InitializerSpec spec, ulong seed) =>
        WithHeader(spec, UnsafeByteOperations.UnsafeWrap(InitializerData.ToArray(spec, seed)));

    private static TensorProto WithHeader(InitializerSpec spec, ByteString? rawData)
    {
        var tensor = new TensorProto { Name = spec.Name, DataType = (int)spec.ElementType };
        tensor.Dims.Add(spec.Shape);
        if (rawData is not null)
        {
            tensor.RawData = rawData;
        }

        return tensor;
    }

    private static StringStringEntryProto Entry(string key, string value) => new() { Key = key, Value = value };
}
