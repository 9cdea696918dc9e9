using System.Runtime.InteropServices;
using Google.Protobuf;
using Onnx;
using SdPortal.Inference.Lora;

namespace SdPortal.Tests.Lora;

/// <summary>
/// Merges an adapter into a copy of a model folder the way conversion tools bake one in — W' = W + w·(α/r)·up·down
/// in double precision, written into the ONNX files — with its own reading of the keys, so the runtime path is
/// checked against an independent merge, not against itself.
/// </summary>
internal static class OfflineLoraMerge
{
    public static void Write(string sourceFolder, string destinationFolder, byte[] adapter, double weight)
    {
        CopyDirectory(sourceFolder, destinationFolder);
        var file = SafetensorsFile.Read(adapter);
        var tensors = file.Tensors.ToDictionary(t => t.Name, StringComparer.Ordinal);
        Merge(Path.Combine(destinationFolder, "text_encoder"), "lora_te_", "text_encoder.", tensors, adapter, weight);
        Merge(Path.Combine(destinationFolder, "unet"), "lora_unet_", "unet.", tensors, adapter, weight);
    }

    private static void Merge(string componentFolder, string kohyaPrefix, string peftPrefix, Dictionary<string, SafetensorsTensor> tensors, byte[] adapter, double weight)
    {
        var modelPath = Path.Combine(componentFolder, "model.onnx");
        var model = ModelProto.Parser.ParseFrom(File.ReadAllBytes(modelPath));
        var initializers = model.Graph.Initializer.ToDictionary(t => t.Name, StringComparer.Ordinal);

        // Module path → (initializer, transposed): MatMul weights through their node's name, stored [in, out].
        var targets = new Dictionary<string, (TensorProto Tensor, bool Transposed)>(StringComparer.Ordinal);
        foreach (var node in model.Graph.Node.Where(n => n.OpType is "MatMul" or "Conv" && n.Input.Count > 1 && initializers.ContainsKey(n.Input[1])))
        {
            var path = node.Name[1..node.Name.LastIndexOf('/')].Replace('/', '.');
            targets[path] = (initializers[node.Input[1]], node.OpType == "MatMul");
        }

        foreach (var (path, (tensor, transposed)) in targets)
        {
            var key = tensors.ContainsKey(kohyaPrefix + path.Replace('.', '_') + ".lora_down.weight")
                ? (Down: kohyaPrefix + path.Replace('.', '_') + ".lora_down.weight", Up: kohyaPrefix + path.Replace('.', '_') + ".lora_up.weight", Alpha: kohyaPrefix + path.Replace('.', '_') + ".alpha")
                : (Down: peftPrefix + path + ".lora_A.weight", Up: peftPrefix + path + ".lora_B.weight", Alpha: peftPrefix + path + ".alpha");
            if (!tensors.TryGetValue(key.Down, out var downTensor))
            {
                continue;
            }

            var down = Floats(adapter, downTensor);
            var up = Floats(adapter, tensors[key.Up]);
            var rank = (int)downTensor.Shape[0];
            var alpha = tensors.TryGetValue(key.Alpha, out var alphaTensor) ? Floats(adapter, alphaTensor)[0] : rank;
            var outFeatures = up.Length / rank;
            var inFeatures = down.Length / rank;
            var values = Read(tensor, componentFolder);
            for (var o = 0; o < outFeatures; o++)
            {
                for (var i = 0; i < inFeatures; i++)
                {
                    var delta = 0d;
                    for (var r = 0; r < rank; r++)
                    {
                        delta += (double)up[(o * rank) + r] * down[(r * inFeatures) + i];
                    }

                    var at = transposed ? (i * outFeatures) + o : (o * inFeatures) + i;
                    values[at] = (float)(values[at] + (weight * alpha / rank * delta));
                }
            }

            WriteBack(tensor, componentFolder, values);
        }

        File.WriteAllBytes(modelPath, model.ToByteArray());
    }

    private static float[] Floats(byte[] file, SafetensorsTensor tensor)
    {
        var values = new float[tensor.ElementCount];
        SafetensorsFile.ReadFloats(file, tensor, values);
        return values;
    }

    private static float[] Read(TensorProto tensor, string folder)
    {
        Assert.Equal((int)TensorProto.Types.DataType.Float, tensor.DataType);
        if (tensor.DataLocation != TensorProto.Types.DataLocation.External)
        {
            return MemoryMarshal.Cast<byte, float>(tensor.RawData.Span).ToArray();
        }

        var (path, offset, length) = External(tensor, folder);
        using var stream = File.OpenRead(path);
        stream.Position = offset;
        var bytes = new byte[length];
        stream.ReadExactly(bytes);
        return MemoryMarshal.Cast<byte, float>(bytes).ToArray();
    }

    private static void WriteBack(TensorProto tensor, string folder, float[] values)
    {
        var bytes = MemoryMarshal.AsBytes(values.AsSpan()).ToArray();
        if (tensor.DataLocation != TensorProto.Types.DataLocation.External)
        {
            tensor.RawData = ByteString.CopyFrom(bytes);
            return;
        }

        var (path, offset, _) = External(tensor, folder);
        using var stream = File.OpenWrite(path);
        stream.Position = offset;
        stream.Write(bytes);
    }

    private static (string Path, long Offset, long Length) External(TensorProto tensor, string folder)
    {
        var entries = tensor.ExternalData.ToDictionary(e => e.Key, e => e.Value);
        return (Path.Combine(folder, entries["location"]), entries.TryGetValue("offset", out var o) ? long.Parse(o) : 0, long.Parse(entries["length"]));
    }

    private static void CopyDirectory(string source, string destination)
    {
        foreach (var directory in Directory.GetDirectories(source, "*", SearchOption.AllDirectories))
        {
            Directory.CreateDirectory(directory.Replace(source, destination, StringComparison.Ordinal));
        }

        Directory.CreateDirectory(destination);
        foreach (var file in Directory.GetFiles(source, "*", SearchOption.AllDirectories))
        {
            File.Copy(file, file.Replace(source, destination, StringComparison.Ordinal));
        }
    }
}
