using System.Runtime.InteropServices;
using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using Onnx;
using SdPortal.Inference.Models;

namespace SdPortal.Inference.Lora;

/// <summary>
/// A text encoder or UNet opened so that adapters can patch it per run without reloading (ADR-021): before the session
/// opens, every weight a LoRA can target is also declared a graph input, which makes it an overridable initializer —
/// a run that binds a tensor of that name uses it, a run that binds nothing uses the stored weight. The base values
/// an adapter is added to are read back from disk when a patch is built, never kept in memory: weights the model keeps
/// in external data are read from the original file, embedded ones from a copy the rewrite moves to
/// <c>patchable.bin</c> in a scratch folder that lives as long as the model.
/// </summary>
internal sealed class PatchableModel : IDisposable
{
    private const string BaseDataFile = "patchable.bin";
    private readonly Dictionary<string, BaseData> _base;
    private readonly string _scratch;

    private PatchableModel(OnnxModelFile file, ComponentWeights weights, Dictionary<string, BaseData> baseData, string scratch)
    {
        File = file;
        Weights = weights;
        _base = baseData;
        _scratch = scratch;
    }

    /// <summary>The opened session over the rewritten copy.</summary>
    public OnnxModelFile File { get; }

    /// <summary>The weights a run may override.</summary>
    public ComponentWeights Weights { get; }

    /// <summary>Rewrites <paramref name="modelPath"/> and opens the copy.</summary>
    /// <exception cref="ModelLoadException">The file is missing, malformed, has nothing to patch, or ONNX Runtime rejects it.</exception>
    public static PatchableModel Open(LoraComponent component, string modelPath, Func<SessionOptions> createOptions, CpuArena cpuArena)
    {
        var model = ReadModel(modelPath);
        var weights = ComponentWeights.Of(component, model.Graph);
        if (weights.Weights.Count == 0)
        {
            throw new ModelLoadException(modelPath, "has no weight an adapter can patch");
        }

        var sourceDirectory = Path.GetDirectoryName(Path.GetFullPath(modelPath))!;
        var scratch = Path.Combine(Path.GetTempPath(), $"sdportal-patchable-{Guid.NewGuid():N}");
        try
        {
            // A model without external data gets its patchable weights moved out to the scratch folder (read back for
            // patches); one with external data keeps every file where it is, and its few small embedded weights in memory.
            var hasExternalData = model.Graph.Initializer.Any(t => t.DataLocation == TensorProto.Types.DataLocation.External);
            var baseData = Rewrite(model, weights, sourceDirectory, hasExternalData ? null : scratch);
            var file = OnnxModelFile.Open(modelPath, model.ToByteArray(), hasExternalData ? sourceDirectory : scratch, createOptions, cpuArena);
            return new PatchableModel(file, weights, baseData, scratch);
        }
        catch
        {
            DeleteScratch(scratch);
            throw;
        }
    }

    /// <summary>Reads the stored (unpatched) values of <paramref name="weight"/> as float.</summary>
    public void ReadBase(ModelWeight weight, Span<float> destination)
    {
        var data = _base[weight.Initializer];
        var elementSize = weight.ElementType == TensorProto.Types.DataType.Float16 ? 2 : 4;
        if (destination.Length != weight.ElementCount || data.Length != weight.ElementCount * elementSize)
        {
            throw new InvalidOperationException($"{weight.Initializer}: {data.Length} stored bytes for {weight.ElementCount} elements.");
        }

        var bytes = data.Embedded ?? new byte[data.Length];
        if (data.Embedded is null)
        {
            using var handle = System.IO.File.OpenHandle(data.Path!);
            if (RandomAccess.Read(handle, bytes, data.Offset) != bytes.Length)
            {
                throw new ModelLoadException(data.Path!, $"ends before weight {weight.Initializer}");
            }
        }

        if (elementSize == 4)
        {
            MemoryMarshal.Cast<byte, float>(bytes).CopyTo(destination);
            return;
        }

        var halves = MemoryMarshal.Cast<byte, Half>(bytes);
        for (var i = 0; i < halves.Length; i++)
        {
            destination[i] = (float)halves[i];
        }
    }

    /// <summary>Deletes the scratch folder; the session belongs to the role wrapper that took <see cref="File"/>.</summary>
    public void Dispose() => DeleteScratch(_scratch);

    private static ModelProto ReadModel(string modelPath)
    {
        if (!System.IO.File.Exists(modelPath))
        {
            throw new ModelLoadException(modelPath, "is missing");
        }

        try
        {
            using var stream = System.IO.File.OpenRead(modelPath);
            return ModelProto.Parser.ParseFrom(stream);
        }
        catch (InvalidProtocolBufferException ex)
        {
            throw new ModelLoadException(modelPath, $"is not an ONNX model ({ex.Message})", ex);
        }
    }

    /// <summary>
    /// Declares each patchable weight a graph input and records where its base bytes live; embedded ones move to
    /// <paramref name="moveTo"/>'s <c>patchable.bin</c>, or stay (and are kept in memory) when it is null.
    /// </summary>
    private static Dictionary<string, BaseData> Rewrite(ModelProto model, ComponentWeights weights, string sourceDirectory, string? moveTo)
    {
        var initializers = model.Graph.Initializer.ToDictionary(t => t.Name, StringComparer.Ordinal);
        var inputs = model.Graph.Input.Select(i => i.Name).ToHashSet(StringComparer.Ordinal);
        var baseData = new Dictionary<string, BaseData>(StringComparer.Ordinal);
        FileStream? moved = null;
        try
        {
            foreach (var weight in weights.Weights)
            {
                var tensor = initializers[weight.Initializer];
                if (tensor.DataLocation == TensorProto.Types.DataLocation.External)
                {
                    baseData[weight.Initializer] = External(tensor, sourceDirectory);
                }
                else if (moveTo is null)
                {
                    baseData[weight.Initializer] = new BaseData(null, 0, RawBytes(tensor).Length, RawBytes(tensor));
                }
                else
                {
                    Directory.CreateDirectory(moveTo);
                    var path = Path.Combine(moveTo, BaseDataFile);
                    moved ??= new FileStream(path, FileMode.Create, FileAccess.Write);
                    baseData[weight.Initializer] = MoveOut(tensor, moved, path);
                }

                if (inputs.Add(weight.Initializer))
                {
                    model.Graph.Input.Add(new ValueInfoProto
                    {
                        Name = weight.Initializer,
                        Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = tensor.DataType, Shape = Shape(tensor) } },
                    });
                }
            }
        }
        finally
        {
            moved?.Dispose();
        }

        return baseData;
    }

    private static byte[] RawBytes(TensorProto tensor) =>
        tensor.RawData.Length > 0 ? tensor.RawData.ToByteArray() : MemoryMarshal.AsBytes(tensor.FloatData.ToArray().AsSpan()).ToArray();

    private static BaseData External(TensorProto tensor, string sourceDirectory)
    {
        var entries = tensor.ExternalData.ToDictionary(e => e.Key, e => e.Value, StringComparer.Ordinal);
        var path = Path.GetFullPath(Path.Combine(sourceDirectory, entries["location"]));
        var offset = entries.TryGetValue("offset", out var o) ? long.Parse(o, System.Globalization.CultureInfo.InvariantCulture) : 0;
        var length = entries.TryGetValue("length", out var l)
            ? long.Parse(l, System.Globalization.CultureInfo.InvariantCulture)
            : new FileInfo(path).Length - offset;
        return new BaseData(path, offset, length, null);
    }

    /// <summary>Moves an embedded weight's bytes to <paramref name="moved"/>, pointing the initializer at them.</summary>
    private static BaseData MoveOut(TensorProto tensor, FileStream moved, string movedPath)
    {
        var bytes = RawBytes(tensor);
        var offset = moved.Position;
        moved.Write(bytes);
        var padding = (int)((64 - (moved.Position % 64)) % 64); // ONNX Runtime memory-maps aligned offsets best
        moved.Write(new byte[padding]);
        tensor.RawData = ByteString.Empty;
        tensor.FloatData.Clear();
        tensor.DataLocation = TensorProto.Types.DataLocation.External;
        tensor.ExternalData.Clear();
        tensor.ExternalData.Add(new StringStringEntryProto { Key = "location", Value = BaseDataFile });
        tensor.ExternalData.Add(new StringStringEntryProto { Key = "offset", Value = offset.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        tensor.ExternalData.Add(new StringStringEntryProto { Key = "length", Value = bytes.Length.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        return new BaseData(movedPath, offset, bytes.Length, null);
    }

    private static TensorShapeProto Shape(TensorProto tensor)
    {
        var shape = new TensorShapeProto();
        foreach (var dim in tensor.Dims)
        {
            shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = dim });
        }

        return shape;
    }

    private static void DeleteScratch(string scratch)
    {
        if (Directory.Exists(scratch))
        {
            Directory.Delete(scratch, recursive: true);
        }
    }

    /// <summary>Where a weight's stored bytes are: a file range, or (small embedded weights of an external-data model) the bytes.</summary>
    private readonly record struct BaseData(string? Path, long Offset, long Length, byte[]? Embedded);
}
