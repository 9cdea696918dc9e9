namespace SdPortal.Inference.Tokenization;

/// <summary>Reads a BPE <c>merges.txt</c>: one "left right" pair per line, in rank order.</summary>
internal static class MergesFile
{
    /// <summary>The file name inside a tokenizer folder.</summary>
    public const string FileName = "merges.txt";

    /// <summary>
    /// How many merges CLIP uses: its vocabulary is 49152 BPE symbols minus the 256 single bytes and 2 special tokens
    /// (OpenAI's simple_tokenizer and transformers' CLIPTokenizer both slice the merges list to this length).
    /// </summary>
    public const int ClipMergeCount = 49152 - 256 - 2;

    /// <summary>Reads at most <paramref name="limit"/> merges, skipping a leading <c>#version</c> header.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">A line is not exactly two symbols, or there are no merges.</exception>
    public static List<(string Left, string Right)> Read(string path, int limit = ClipMergeCount)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"CLIP merges not found: {path}", path);
        }

        // The reference strips the whole file before splitting it into lines, so blank lines at either end are not
        // merges; a blank line in the middle would be one, and is rejected below like any other malformed line.
        var lines = File.ReadAllText(path).Trim().Split('\n');
        var first = lines.Length > 0 && lines[0].StartsWith("#version", StringComparison.Ordinal) ? 1 : 0;
        var merges = new List<(string, string)>(Math.Min(limit, lines.Length));
        for (var i = first; i < lines.Length && merges.Count < limit; i++)
        {
            var parts = lines[i].Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length != 2)
            {
                throw new InvalidDataException(
                    $"CLIP merges {path} line {i + 1} is not two symbols separated by a space: '{lines[i]}'.");
            }

            merges.Add((parts[0], parts[1]));
        }

        if (merges.Count == 0)
        {
            throw new InvalidDataException($"CLIP merges {path} holds no merges.");
        }

        return merges;
    }
}
