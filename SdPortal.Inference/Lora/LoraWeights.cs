using System.Security.Cryptography;
using SdPortal.Inference.Pipeline;

namespace SdPortal.Inference.Lora;

/// <summary>
/// A LoRA adapter file read and checked in full: every tensor belongs to a module with both halves, ranks agree,
/// values are finite, and one naming scheme is used throughout (<see cref="LoraFormat"/>). Whether the modules exist
/// in a given model is a separate question (<see cref="ModelWeightIndex.Match"/>): an adapter is a tenant's file,
/// usable with every model it fits.
/// </summary>
public sealed class LoraWeights
{
    /// <summary>The largest rank accepted; trainers use 4–128, and the patch cost grows with it.</summary>
    public const int MaxRank = 1024;

    private static readonly (string Suffix, Part Part, LoraFormat Format)[] Suffixes =
    [
        (".lora_down.weight", Part.Down, LoraFormat.Kohya),
        (".lora_up.weight", Part.Up, LoraFormat.Kohya),
        (".lora_A.weight", Part.Down, LoraFormat.Peft),
        (".lora_B.weight", Part.Up, LoraFormat.Peft),
        (".lora.down.weight", Part.Down, LoraFormat.Peft),
        (".lora.up.weight", Part.Up, LoraFormat.Peft),
        (".alpha", Part.Alpha, LoraFormat.Kohya),
    ];

    private static readonly string[] UnsupportedMarkers = [".hada_", ".lokr_", ".dora_scale", ".lora_mid.", ".oft_"];

    private LoraWeights(LoraFormat format, IReadOnlyList<LoraModule> modules, string sha256)
    {
        Format = format;
        Modules = modules;
        Sha256 = sha256;
        Rank = modules.Max(m => m.Rank);
        TargetsTextEncoder = modules.Any(m => m.Component == LoraComponent.TextEncoder);
    }

    /// <summary>The naming scheme of the file.</summary>
    public LoraFormat Format { get; }

    /// <summary>The low-rank updates, in file order.</summary>
    public IReadOnlyList<LoraModule> Modules { get; }

    /// <summary>The number of modules.</summary>
    public int ModuleCount => Modules.Count;

    /// <summary>The largest rank of its modules.</summary>
    public int Rank { get; }

    /// <summary>Whether any module patches the text encoder.</summary>
    public bool TargetsTextEncoder { get; }

    /// <summary>SHA-256 of the whole file, lower-case hex: the adapter's identity in caches and in <c>Lora hashes</c>.</summary>
    public string Sha256 { get; }

    /// <summary>The first 12 hex digits of <see cref="Sha256"/>, as A1111 records it in an image's parameters.</summary>
    public string ShortHash => Sha256[..12];

    /// <summary>Reads <paramref name="file"/>, the whole adapter file.</summary>
    /// <exception cref="LoraFormatException">Anything about the file is wrong; the message says what.</exception>
    public static LoraWeights Parse(ReadOnlyMemory<byte> file, SafetensorsLimits? limits = null)
    {
        SafetensorsFile header;
        try
        {
            header = SafetensorsFile.Read(file.Span, limits);
        }
        catch (SafetensorsException ex)
        {
            throw new LoraFormatException($"This is not a valid .safetensors file: {ex.Message}", ex);
        }

        var groups = new Dictionary<string, Group>(StringComparer.Ordinal);
        LoraFormat? format = null;
        foreach (var tensor in header.Tensors)
        {
            var (key, part, tensorFormat) = Classify(tensor.Name);
            if (part != Part.Alpha)
            {
                if (format is { } seen && seen != tensorFormat)
                {
                    throw new LoraFormatException($"Tensor {GenerationSpec.Quote(tensor.Name)} uses {tensorFormat} naming, but the file began with {seen} naming; one scheme per file is expected.");
                }

                format = tensorFormat;
            }

            var group = groups.TryGetValue(key, out var existing) ? existing : groups[key] = new Group();
            switch (part)
            {
                case Part.Down: group.Down = tensor; break;
                case Part.Up: group.Up = tensor; break;
                default: group.Alpha = tensor; break;
            }
        }

        if (format is null)
        {
            throw new LoraFormatException("The file holds no LoRA tensors (lora_down/lora_up or lora_A/lora_B weights).");
        }

        var modules = new List<LoraModule>(groups.Count);
        foreach (var (key, group) in groups)
        {
            modules.Add(Module(file.Span, key, group, format.Value));
        }

        return new LoraWeights(format.Value, modules, Convert.ToHexStringLower(SHA256.HashData(file.Span)));
    }

    private static (string Key, Part Part, LoraFormat Format) Classify(string name)
    {
        if (UnsupportedMarkers.Any(m => name.Contains(m, StringComparison.Ordinal)) || name.EndsWith(".diff", StringComparison.Ordinal) || name.EndsWith(".diff_b", StringComparison.Ordinal))
        {
            throw new LoraFormatException($"Tensor {GenerationSpec.Quote(name)} belongs to a LyCORIS variant (LoHa, LoKr, DoRA, OFT or Tucker LoCon); only plain LoRA and LoCon adapters are supported.");
        }

        foreach (var (suffix, part, format) in Suffixes)
        {
            if (name.EndsWith(suffix, StringComparison.Ordinal) && name.Length > suffix.Length)
            {
                return (name[..^suffix.Length], part, format);
            }
        }

        throw new LoraFormatException($"Tensor {GenerationSpec.Quote(name)} is not part of a LoRA module (expected a name ending in .lora_down.weight, .lora_up.weight, .alpha, .lora_A.weight or .lora_B.weight).");
    }

    private static LoraModule Module(ReadOnlySpan<byte> file, string key, Group group, LoraFormat format)
    {
        var (component, modulePath) = Locate(key, format);
        if (group.Down is not { } down || group.Up is not { } up)
        {
            throw new LoraFormatException($"Module {GenerationSpec.Quote(key)} lacks its {(group.Down is null ? "down (A)" : "up (B)")} weight.");
        }

        if (down.Shape.Count is not (2 or 4) || up.Shape.Count != down.Shape.Count)
        {
            throw new LoraFormatException($"Module {GenerationSpec.Quote(key)}: down is [{string.Join(", ", down.Shape)}] and up is [{string.Join(", ", up.Shape)}]; two matrices or two convolution kernels are expected.");
        }

        var rank = down.Shape[0];
        if (rank is < 1 or > MaxRank || up.Shape[1] != rank || down.ElementCount == 0 || up.ElementCount == 0)
        {
            throw new LoraFormatException($"Module {GenerationSpec.Quote(key)}: down is [{string.Join(", ", down.Shape)}] and up is [{string.Join(", ", up.Shape)}]; their rank must agree and be 1…{MaxRank}.");
        }

        if (up.Shape.Count == 4 && (up.Shape[2] != 1 || up.Shape[3] != 1))
        {
            throw new LoraFormatException($"Module {GenerationSpec.Quote(key)}: up is [{string.Join(", ", up.Shape)}]; a 1×1 kernel is expected.");
        }

        var alpha = (float)rank;
        if (group.Alpha is { } alphaTensor)
        {
            if (alphaTensor.ElementCount != 1)
            {
                throw new LoraFormatException($"Module {GenerationSpec.Quote(key)}: alpha has {alphaTensor.ElementCount} values; one is expected.");
            }

            Span<float> value = stackalloc float[1];
            SafetensorsFile.ReadFloats(file, alphaTensor, value);
            alpha = value[0];
        }

        var downValues = Finite(file, down, key);
        var upValues = Finite(file, up, key);
        if (!float.IsFinite(alpha))
        {
            throw new LoraFormatException($"Module {GenerationSpec.Quote(key)}: alpha is not a finite number.");
        }

        return new LoraModule(key, component, modulePath, downValues, down.Shape, upValues, checked((int)up.Shape[0]), (int)rank, alpha);
    }

    private static float[] Finite(ReadOnlySpan<byte> file, SafetensorsTensor tensor, string key)
    {
        var values = new float[tensor.ElementCount];
        SafetensorsFile.ReadFloats(file, tensor, values);
        if (Array.Exists(values, v => !float.IsFinite(v)))
        {
            throw new LoraFormatException($"Module {GenerationSpec.Quote(key)}: {GenerationSpec.Quote(tensor.Name)} holds NaN or infinite values.");
        }

        return values;
    }

    private static (LoraComponent Component, string? ModulePath) Locate(string key, LoraFormat format)
    {
        if (format == LoraFormat.Kohya)
        {
            if (key.StartsWith("lora_unet_", StringComparison.Ordinal))
            {
                return (LoraComponent.UNet, null);
            }

            if (key.StartsWith("lora_te_", StringComparison.Ordinal))
            {
                return (LoraComponent.TextEncoder, null);
            }
        }
        else
        {
            if (key.StartsWith("unet.", StringComparison.Ordinal))
            {
                return (LoraComponent.UNet, StripProcessor(key["unet.".Length..]));
            }

            if (key.StartsWith("text_encoder.", StringComparison.Ordinal))
            {
                return (LoraComponent.TextEncoder, StripProcessor(key["text_encoder.".Length..]));
            }
        }

        throw new LoraFormatException($"Module {GenerationSpec.Quote(key)} names no Stable Diffusion 1.x/2.x component (expected lora_unet_/lora_te_ or unet./text_encoder. at the start).");
    }

    /// <summary>diffusers' attention-processor form: <c>attn1.processor.to_q_lora</c> patches <c>attn1.to_q</c>.</summary>
    private static string StripProcessor(string path)
    {
        const string Processor = ".processor.";
        var at = path.IndexOf(Processor, StringComparison.Ordinal);
        if (at < 0)
        {
            return path;
        }

        var tail = path[(at + Processor.Length)..];
        var projection = tail.EndsWith("_lora", StringComparison.Ordinal) ? tail[..^"_lora".Length] : tail;
        return path[..at] + "." + (projection == "to_out" ? "to_out.0" : projection);
    }

    private enum Part
    {
        Down,
        Up,
        Alpha,
    }

    private sealed class Group
    {
        public SafetensorsTensor? Down { get; set; }

        public SafetensorsTensor? Up { get; set; }

        public SafetensorsTensor? Alpha { get; set; }
    }
}
