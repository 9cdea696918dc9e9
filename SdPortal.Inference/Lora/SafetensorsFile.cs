using System.Buffers.Binary;
using System.Text.Json;
using SdPortal.Inference.Pipeline;

namespace SdPortal.Inference.Lora;

/// <summary>
/// The header of a safetensors file (the format LoRA trainers write), validated in full before a tensor is read: an
/// 8-byte little-endian header length, a JSON object naming each tensor's dtype, shape and [begin, end) byte range
/// within the data that follows, and an optional string-to-string <c>__metadata__</c>. No .NET library reads it, so
/// this does, refusing everything the format does not allow: a header past its bound or the file, anything but
/// F16/BF16/F32, a shape whose size is not its byte range, ranges that overlap, leave holes or pass the end, duplicate
/// names. A hostile file gives a <see cref="SafetensorsException"/>, never a large allocation.
/// </summary>
public sealed class SafetensorsFile
{
    private const string MetadataKey = "__metadata__";

    private SafetensorsFile(IReadOnlyList<SafetensorsTensor> tensors, IReadOnlyDictionary<string, string> metadata)
    {
        Tensors = tensors;
        Metadata = metadata;
    }

    /// <summary>The tensors in header order.</summary>
    public IReadOnlyList<SafetensorsTensor> Tensors { get; }

    /// <summary>The <c>__metadata__</c> entries (training settings, e.g. <c>ss_network_dim</c>); empty when absent.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>Reads and validates the header of <paramref name="file"/>, the whole file's bytes.</summary>
    /// <exception cref="SafetensorsException">The file breaks the format or <paramref name="limits"/>.</exception>
    public static SafetensorsFile Read(ReadOnlySpan<byte> file, SafetensorsLimits? limits = null)
    {
        limits ??= SafetensorsLimits.Default;
        if (file.Length < 8)
        {
            throw new SafetensorsException("The file is too short to be a safetensors file.");
        }

        var headerLength = BinaryPrimitives.ReadUInt64LittleEndian(file);
        if (headerLength > (ulong)limits.MaxHeaderBytes)
        {
            throw new SafetensorsException($"The header declares {headerLength} bytes; at most {limits.MaxHeaderBytes} are accepted.");
        }

        if (headerLength > (ulong)(file.Length - 8))
        {
            throw new SafetensorsException($"The header declares {headerLength} bytes, but the file has only {file.Length - 8} after its length.");
        }

        var dataStart = 8 + (long)headerLength;
        var dataLength = file.Length - dataStart;
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(file.Slice(8, (int)headerLength).ToArray(), new JsonDocumentOptions { MaxDepth = 8 });
        }
        catch (JsonException)
        {
            throw new SafetensorsException("The header is not valid JSON.");
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new SafetensorsException("The header must be a JSON object.");
            }

            var tensors = new List<SafetensorsTensor>();
            var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
            var names = new HashSet<string>(StringComparer.Ordinal);
            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (!names.Add(property.Name))
                {
                    throw new SafetensorsException($"The header names {GenerationSpec.Quote(property.Name)} twice.");
                }

                if (property.Name == MetadataKey)
                {
                    ReadMetadata(property.Value, metadata);
                    continue;
                }

                if (tensors.Count == limits.MaxTensors)
                {
                    throw new SafetensorsException($"The file holds more than {limits.MaxTensors} tensors.");
                }

                tensors.Add(ReadTensor(property.Name, property.Value, dataStart, limits));
            }

            CheckLayout(tensors, dataStart, dataLength);
            return new SafetensorsFile(tensors, metadata);
        }
    }

    /// <summary>Converts <paramref name="tensor"/>'s elements of <paramref name="file"/> to float32.</summary>
    /// <exception cref="ArgumentException">The destination does not hold the tensor's elements.</exception>
    public static void ReadFloats(ReadOnlySpan<byte> file, SafetensorsTensor tensor, Span<float> destination)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        if (destination.Length != tensor.ElementCount)
        {
            throw new ArgumentException($"{tensor.Name} has {tensor.ElementCount} elements, not {destination.Length}.", nameof(destination));
        }

        var bytes = file.Slice(checked((int)tensor.Offset), checked((int)tensor.Length));
        for (var i = 0; i < destination.Length; i++)
        {
            destination[i] = tensor.DType switch
            {
                SafetensorsDType.F32 => BinaryPrimitives.ReadSingleLittleEndian(bytes[(4 * i)..]),
                SafetensorsDType.F16 => (float)BinaryPrimitives.ReadHalfLittleEndian(bytes[(2 * i)..]),
                _ => BitConverter.Int32BitsToSingle(BinaryPrimitives.ReadUInt16LittleEndian(bytes[(2 * i)..]) << 16),
            };
        }
    }

    private static void ReadMetadata(JsonElement value, Dictionary<string, string> metadata)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            throw new SafetensorsException("__metadata__ must be an object of strings.");
        }

        foreach (var entry in value.EnumerateObject())
        {
            if (entry.Value.ValueKind != JsonValueKind.String)
            {
                throw new SafetensorsException($"__metadata__ {GenerationSpec.Quote(entry.Name)} must be a string.");
            }

            metadata[entry.Name] = entry.Value.GetString()!;
        }
    }

    private static SafetensorsTensor ReadTensor(string name, JsonElement value, long dataStart, SafetensorsLimits limits)
    {
        var quoted = GenerationSpec.Quote(name);
        if (value.ValueKind != JsonValueKind.Object
            || !value.TryGetProperty("dtype", out var dtypeValue) || dtypeValue.ValueKind != JsonValueKind.String
            || !value.TryGetProperty("shape", out var shapeValue) || shapeValue.ValueKind != JsonValueKind.Array
            || !value.TryGetProperty("data_offsets", out var offsetsValue) || offsetsValue.ValueKind != JsonValueKind.Array)
        {
            throw new SafetensorsException($"Tensor {quoted} needs a dtype string, a shape array and a data_offsets array.");
        }

        var dtype = dtypeValue.GetString() switch
        {
            "F16" => SafetensorsDType.F16,
            "BF16" => SafetensorsDType.BF16,
            "F32" => SafetensorsDType.F32,
            var other => throw new SafetensorsException(
                $"Tensor {quoted} is {GenerationSpec.Quote(other)}; adapters must hold F16, BF16 or F32 tensors."),
        };

        if (shapeValue.GetArrayLength() > limits.MaxRank)
        {
            throw new SafetensorsException($"Tensor {quoted} has more than {limits.MaxRank} dimensions.");
        }

        var shape = shapeValue.EnumerateArray().Select(d => NonNegative(d, quoted, "shape")).ToArray();
        if (offsetsValue.GetArrayLength() != 2)
        {
            throw new SafetensorsException($"Tensor {quoted} needs data_offsets [begin, end].");
        }

        var begin = NonNegative(offsetsValue[0], quoted, "data_offsets");
        var end = NonNegative(offsetsValue[1], quoted, "data_offsets");
        long bytes;
        try
        {
            bytes = checked(shape.Aggregate(1L, (product, dimension) => product * dimension) * SafetensorsTensor.ElementSize(dtype));
        }
        catch (OverflowException)
        {
            throw new SafetensorsException($"Tensor {quoted}'s shape is too large.");
        }

        if (end < begin || end - begin != bytes)
        {
            throw new SafetensorsException($"Tensor {quoted}'s data_offsets [{begin}, {end}) do not hold its shape's {bytes} bytes.");
        }

        return new SafetensorsTensor(name, dtype, shape, dataStart + begin, bytes);
    }

    /// <summary>The byte ranges must tile the data exactly: sorted, from 0, without gaps or overlaps, to its end.</summary>
    private static void CheckLayout(List<SafetensorsTensor> tensors, long dataStart, long dataLength)
    {
        var next = dataStart;
        foreach (var tensor in tensors.OrderBy(t => t.Offset).ThenBy(t => t.Length))
        {
            if (tensor.Offset != next)
            {
                var problem = tensor.Offset < next ? "overlaps the one before it" : "leaves a gap before it";
                throw new SafetensorsException($"Tensor {GenerationSpec.Quote(tensor.Name)} {problem}.");
            }

            next += tensor.Length;
        }

        if (next != dataStart + dataLength)
        {
            throw new SafetensorsException(next > dataStart + dataLength
                ? "The tensors reach past the end of the file; it is truncated."
                : "The file has bytes after its last tensor.");
        }
    }

    private static long NonNegative(JsonElement value, string tensor, string field) =>
        value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var number) && number >= 0
            ? number
            : throw new SafetensorsException($"Tensor {tensor} has a {field} entry that is not a non-negative integer.");
}
