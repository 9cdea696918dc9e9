using System.Text.Json;

namespace SdPortal.Inference.Tokenization;

/// <summary>Reads a Hugging Face <c>vocab.json</c>: a JSON object mapping each BPE symbol to its token id.</summary>
internal static class VocabularyFile
{
    /// <summary>The file name inside a tokenizer folder.</summary>
    public const string FileName = "vocab.json";

    /// <summary>Reads the symbol-to-id map.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is not a JSON object of non-negative integer ids.</exception>
    public static Dictionary<string, int> Read(string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"CLIP vocabulary not found: {path}", path);
        }

        var vocabulary = new Dictionary<string, int>(StringComparer.Ordinal);
        try
        {
            // JsonDocument rather than JsonSerializer: no reflection, so the engine stays trimming- and AOT-friendly.
            using var stream = File.OpenRead(path);
            using var document = JsonDocument.Parse(stream);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new InvalidDataException($"CLIP vocabulary {path} is not a JSON object.");
            }

            foreach (var entry in document.RootElement.EnumerateObject())
            {
                if (entry.Value.ValueKind != JsonValueKind.Number || !entry.Value.TryGetInt32(out var id) || id < 0)
                {
                    throw new InvalidDataException(
                        $"CLIP vocabulary {path} gives '{entry.Name}' the id {entry.Value}, not a non-negative integer.");
                }

                vocabulary[entry.Name] = id;
            }
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"CLIP vocabulary {path} is not valid JSON: {ex.Message}", ex);
        }

        if (vocabulary.Count == 0)
        {
            throw new InvalidDataException($"CLIP vocabulary {path} is empty.");
        }

        return vocabulary;
    }
}
