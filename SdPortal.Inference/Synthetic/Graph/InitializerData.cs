using System.IO.Hashing;
using System.Runtime.InteropServices;
using System.Text;
using Onnx;
using SdPortal.Inference.Noise;

namespace SdPortal.Inference.Synthetic.Graph;

/// <summary>
/// Materialises an <see cref="InitializerSpec"/> as little-endian bytes, streamed in fixed-size chunks so no tensor
/// (nor model) ever needs one large managed array.
/// </summary>
public static class InitializerData
{
    private const int ChunkElements = 1 << 16;

    /// <summary>
    /// Writes the tensor's bytes. Each tensor draws from its own generator, seeded by the model seed and the tensor's
    /// name, so values do not depend on the order in which tensors are declared or written.
    /// </summary>
    public static void WriteTo(InitializerSpec spec, ulong seed, Stream destination)
    {
        if (spec.HasLiteral)
        {
            destination.Write(spec.Literal.Span);
            return;
        }

        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("ONNX raw data is little-endian; big-endian hosts are not supported.");
        }

        if (spec.Derivation is { } derivation)
        {
            WriteDerived(spec, derivation, seed, destination);
            return;
        }

        var random = spec.Init.IsRandom ? new SeededGaussianNoise(TensorSeed(seed, spec.SeedName)) : null;
        var values = new float[ChunkElements];
        var halves = spec.ElementType == TensorProto.Types.DataType.Float16 ? new Half[ChunkElements] : null;
        for (var remaining = spec.ElementCount; remaining > 0;)
        {
            var count = (int)Math.Min(remaining, ChunkElements);
            var chunk = values.AsSpan(0, count);
            Fill(chunk, spec.Init, random);
            if (halves is null)
            {
                destination.Write(MemoryMarshal.AsBytes(chunk));
            }
            else
            {
                var halfChunk = halves.AsSpan(0, count);
                for (var i = 0; i < count; i++)
                {
                    halfChunk[i] = (Half)chunk[i];
                }

                destination.Write(MemoryMarshal.AsBytes(halfChunk));
            }

            remaining -= count;
        }
    }

    /// <summary>
    /// Draws a plain-form tensor whole, with the same values <see cref="WriteTo"/> streams for it (chunks hold an even
    /// number of values, so drawing in one piece consumes the generator identically).
    /// </summary>
    public static float[] Draw(InitializerSource source, ulong seed)
    {
        var values = new float[checked((int)source.ElementCount)];
        Fill(values, source.Init, source.Init.IsRandom ? new SeededGaussianNoise(TensorSeed(seed, source.Name)) : null);
        return values;
    }

    /// <summary>Returns the tensor's bytes as one array; for small tensors and tests.</summary>
    public static byte[] ToArray(InitializerSpec spec, ulong seed)
    {
        var bytes = new byte[checked((int)spec.ByteLength)];
        using var buffer = new MemoryStream(bytes, writable: true);
        WriteTo(spec, seed, buffer);
        return bytes;
    }

    /// <summary>
    /// Uniform values on a 24-bit grid (a float's precision): each 64-bit draw yields two values, which halves the cost of
    /// the billion draws a full SD 1.5 folder needs.
    /// </summary>
    private static void Fill(Span<float> chunk, WeightInit init, SeededGaussianNoise? random)
    {
        if (random is null)
        {
            chunk.Fill(init.Value);
            return;
        }

        const double Center = 1 << 23; // the middle of the 24-bit range
        var step = init.Value / Center;
        for (var i = 0; i < chunk.Length; i += 2)
        {
            var bits = random.NextUInt64();
            chunk[i] = (float)(((bits >> 40) + 0.5 - Center) * step);
            if (i + 1 < chunk.Length)
            {
                chunk[i + 1] = (float)((((bits >> 8) & 0xFF_FFFF) + 0.5 - Center) * step);
            }
        }
    }

    // Derived tensors are at most a few tens of megabytes (SD 1.5's largest conv), so they are built whole.
    private static void WriteDerived(InitializerSpec spec, InitializerDerivation derivation, ulong seed, Stream destination)
    {
        var values = derivation.Combine([.. derivation.Sources.Select(s => Draw(s, seed))]);
        if (values.LongLength != spec.ElementCount)
        {
            throw new InvalidOperationException($"Derived initializer '{spec.Name}' has {values.Length} values for {spec.ElementCount} elements.");
        }

        if (spec.ElementType == TensorProto.Types.DataType.Float16)
        {
            destination.Write(MemoryMarshal.AsBytes(values.Select(v => (Half)v).ToArray().AsSpan()));
        }
        else
        {
            destination.Write(MemoryMarshal.AsBytes(values.AsSpan()));
        }
    }

    private static ulong TensorSeed(ulong seed, string name) =>
        XxHash64.HashToUInt64(Encoding.UTF8.GetBytes(name), unchecked((long)seed));
}
