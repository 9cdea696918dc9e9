using System.Buffers.Binary;
using System.Text.Json;

namespace SdPortal.Inference.Lora;

/// <summary>
/// Writes safetensors files as trainers do (header padded with spaces to a multiple of 8, tensors in order, no gaps):
/// for synthetic adapters and tests.
/// </summary>
public static class SafetensorsWriter
{
    /// <summary>One tensor to write: values are converted to <paramref name="DType"/>.</summary>
    public sealed record Entry(string Name, SafetensorsDType DType, long[] Shape, float[] Values);

    /// <summary>The file's bytes.</summary>
    /// <exception cref="ArgumentException">A tensor's values do not fill its shape.</exception>
    public static byte[] Write(IReadOnlyList<Entry> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        var header = new Dictionary<string, object>(StringComparer.Ordinal);
        if (metadata is { Count: > 0 })
        {
            header["__metadata__"] = metadata;
        }

        long offset = 0;
        foreach (var tensor in tensors)
        {
            if (tensor.Shape.Aggregate(1L, (p, d) => p * d) != tensor.Values.Length)
            {
                throw new ArgumentException($"{tensor.Name}: {tensor.Values.Length} values do not fill [{string.Join(", ", tensor.Shape)}].", nameof(tensors));
            }

            var length = (long)tensor.Values.Length * SafetensorsTensor.ElementSize(tensor.DType);
            header[tensor.Name] = new { dtype = tensor.DType.ToString(), shape = tensor.Shape, data_offsets = new[] { offset, offset + length } };
            offset += length;
        }

        var json = JsonSerializer.SerializeToUtf8Bytes(header);
        var padded = (json.Length + 7) / 8 * 8;
        var file = new byte[8 + padded + offset];
        BinaryPrimitives.WriteUInt64LittleEndian(file, (ulong)padded);
        json.CopyTo(file, 8);
        file.AsSpan(8 + json.Length, padded - json.Length).Fill((byte)' ');
        var at = 8 + padded;
        foreach (var tensor in tensors)
        {
            foreach (var value in tensor.Values)
            {
                switch (tensor.DType)
                {
                    case SafetensorsDType.F32:
                        BinaryPrimitives.WriteSingleLittleEndian(file.AsSpan(at), value);
                        at += 4;
                        break;
                    case SafetensorsDType.F16:
                        BinaryPrimitives.WriteHalfLittleEndian(file.AsSpan(at), (Half)value);
                        at += 2;
                        break;
                    default: // bfloat16: the top half of the float32, rounded to nearest even
                        var bits = BitConverter.SingleToUInt32Bits(value);
                        BinaryPrimitives.WriteUInt16LittleEndian(file.AsSpan(at), (ushort)((bits + 0x7FFF + ((bits >> 16) & 1)) >> 16));
                        at += 2;
                        break;
                }
            }
        }

        return file;
    }
}
