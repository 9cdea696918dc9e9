// TEMPORARY (branch lora-web): the signatures the lead's inference side provides, so the web side builds before it
// lands. Removed when main is merged in; nothing here is used by the engine.
using SdPortal.Inference.Models;

namespace SdPortal.Inference.Lora;

/// <summary>An adapter file the engine cannot use; the message is safe to show to the uploader.</summary>
public sealed class LoraFormatException : Exception
{
    public LoraFormatException()
    {
    }

    public LoraFormatException(string message)
        : base(message)
    {
    }

    public LoraFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>The key layout of an adapter.</summary>
public enum LoraFormat
{
    Kohya,
    Peft,
}

/// <summary>A parsed adapter (stub).</summary>
public sealed class LoraWeights
{
    private LoraWeights(LoraFormat format, int rank, int moduleCount, bool targetsTextEncoder, string sha256, IReadOnlyList<string> modules)
    {
        (Format, Rank, ModuleCount, TargetsTextEncoder, Sha256, Modules) = (format, rank, moduleCount, targetsTextEncoder, sha256, modules);
    }

    public LoraFormat Format { get; }

    public int Rank { get; }

    public int ModuleCount { get; }

    public bool TargetsTextEncoder { get; }

    public string Sha256 { get; }

    internal IReadOnlyList<string> Modules { get; }

    /// <summary>Parses <paramref name="file"/>.</summary>
    /// <exception cref="LoraFormatException">Anything wrong with it.</exception>
    public static LoraWeights Parse(ReadOnlyMemory<byte> file)
    {
        SafetensorsFile read;
        try
        {
            read = SafetensorsFile.Read(file.Span);
        }
        catch (SafetensorsException ex)
        {
            throw new LoraFormatException(ex.Message, ex);
        }

        var kohya = read.Tensors.Where(t => t.Name.EndsWith(".lora_down.weight", StringComparison.Ordinal)).ToList();
        var peft = read.Tensors.Where(t => t.Name.EndsWith(".lora_A.weight", StringComparison.Ordinal)).ToList();
        var downs = kohya.Count > 0 ? kohya : peft;
        if (downs.Count == 0)
        {
            throw new LoraFormatException("The file holds no LoRA modules (no lora_down or lora_A weights).");
        }

        var modules = downs.Select(t => t.Name[..t.Name.IndexOf(".lora_", StringComparison.Ordinal)]).ToList();
        var rank = (int)downs.Max(t => t.Shape.Count > 0 ? t.Shape[0] : 0);
        var text = modules.Any(m => m.StartsWith("lora_te", StringComparison.Ordinal) || m.StartsWith("text_encoder", StringComparison.Ordinal));
        var hash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(file.Span));
        return new LoraWeights(kohya.Count > 0 ? LoraFormat.Kohya : LoraFormat.Peft, rank, modules.Count, text, hash, modules);
    }
}

/// <summary>The LoRA-able weights of a model folder (stub: matches nothing).</summary>
public sealed class ModelWeightIndex
{
    private readonly string _folder;

    private ModelWeightIndex(string folder) => _folder = folder;

    /// <exception cref="ModelLoadException">The folder is unreadable.</exception>
    public static ModelWeightIndex ForFolder(string modelFolder) =>
        Directory.Exists(modelFolder) ? new ModelWeightIndex(modelFolder) : throw new ModelLoadException(modelFolder, "no such folder");

    public LoraMatch Match(LoraWeights weights)
    {
        ArgumentNullException.ThrowIfNull(weights);
        // Stub rule: a module whose name says "no_such" matches nothing; the real index maps every key to the graphs.
        return new LoraMatch(_folder.Length > 0 ? [.. weights.Modules.Where(m => m.Contains("no_such", StringComparison.Ordinal))] : [], []);
    }
}

/// <summary>How an adapter's keys meet a model's weights.</summary>
public sealed record LoraMatch(IReadOnlyList<string> UnmatchedKeys, IReadOnlyList<string> Mismatched)
{
    public bool Fits => UnmatchedKeys.Count == 0 && Mismatched.Count == 0;
}

/// <summary>Stub of the lead's synthetic adapter writer.</summary>
public static class SyntheticLoraStub
{
    public static byte[] ForModel(string modelFolder, int rank, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(modelFolder);
        var values = new float[rank * 32];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = ((float)((seed + (ulong)i) % 17) - 8) / 64f;
        }

        var entries = new List<SafetensorsWriter.Entry>();
        foreach (var module in new[] { "lora_unet_down_blocks_0_attentions_0_transformer_blocks_0_attn1_to_q", "lora_te_text_model_encoder_layers_0_self_attn_q_proj" })
        {
            entries.Add(new(module + ".lora_down.weight", SafetensorsDType.F16, [rank, 32], values));
            entries.Add(new(module + ".lora_up.weight", SafetensorsDType.F16, [32, rank], values));
            entries.Add(new(module + ".alpha", SafetensorsDType.F32, [], [rank]));
        }

        return SafetensorsWriter.Write(entries);
    }
}
