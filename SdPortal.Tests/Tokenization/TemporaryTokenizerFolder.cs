using System.Text;
using System.Text.Json;
using SdPortal.Tests.Support;

namespace SdPortal.Tests.Tokenization;

/// <summary>A tokenizer folder in the temp directory, deleted on dispose.</summary>
internal sealed class TemporaryTokenizerFolder : IDisposable
{
    private TemporaryTokenizerFolder()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "sdportal-tok-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    /// <summary>A copy of the shared CLIP ViT-L/14 vocab.json and merges.txt.</summary>
    public static TemporaryTokenizerFolder CopyOfClip()
    {
        var folder = new TemporaryTokenizerFolder();
        foreach (var name in new[] { "vocab.json", "merges.txt" })
        {
            System.IO.File.Copy(System.IO.Path.Combine(TestPaths.ClipTokenizer, name), folder.File(name));
        }

        return folder;
    }

    /// <summary>
    /// A minimal byte-level vocabulary: the 256 byte symbols (ids 0-255, in GPT-2 byte order), the same with
    /// &lt;/w&gt; (ids 256-511), then <paramref name="extraSymbols"/> and the two special tokens, with the given merges.
    /// </summary>
    public static TemporaryTokenizerFolder Synthetic(string[] extraSymbols, string[] merges)
    {
        var folder = new TemporaryTokenizerFolder();
        var symbols = new List<string>();
        var alphabet = ByteSymbols();
        symbols.AddRange(alphabet);
        symbols.AddRange(alphabet.Select(s => s + "</w>"));
        symbols.AddRange(extraSymbols);
        symbols.Add("<|startoftext|>");
        symbols.Add("<|endoftext|>");
        var vocabulary = symbols.Select((s, i) => (s, i)).ToDictionary(p => p.s, p => p.i);
        folder.Write("vocab.json", JsonSerializer.Serialize(vocabulary));
        folder.Write("merges.txt", "#version: 0.2\n" + string.Join('\n', merges) + "\n");
        return folder;
    }

    /// <summary>The id a synthetic folder gives <paramref name="symbol"/>.</summary>
    public int IdOf(string symbol)
    {
        using var stream = System.IO.File.OpenRead(File("vocab.json"));
        using var document = JsonDocument.Parse(stream);
        return document.RootElement.GetProperty(symbol).GetInt32();
    }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Write(string name, string content) =>
        System.IO.File.WriteAllText(File(name), content, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));

    public void Dispose() => Directory.Delete(Path, recursive: true);

    // GPT-2's byte alphabet, restated here independently of the production table.
    private static List<string> ByteSymbols()
    {
        var printable = Enumerable.Range('!', '~' - '!' + 1).Concat(Enumerable.Range(0xA1, 12)).Concat(Enumerable.Range(0xAE, 82))
            .ToHashSet();
        var extra = 0;
        return Enumerable.Range(0, 256).Select(b => ((char)(printable.Contains(b) ? b : 256 + extra++)).ToString()).ToList();
    }
}
