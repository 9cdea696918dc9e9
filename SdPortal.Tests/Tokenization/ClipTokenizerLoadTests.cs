using SdPortal.Inference.Tokenization;
using SdPortal.Tests.Support;

namespace SdPortal.Tests.Tokenization;

public class ClipTokenizerLoadTests
{
    [Fact]
    public void Load_WhenFolderHasNoConfig_UsesSd1SpecialIds()
    {
        var tokenizer = ClipTokenizer.Load(TestPaths.ClipTokenizer);

        Assert.Equal(49406, tokenizer.BosId);
        Assert.Equal(49407, tokenizer.EosId);
        Assert.Equal(49407, tokenizer.PadId);
    }

    [Fact]
    public void Load_WhenTokenizerConfigDeclaresExclamationPad_PadsWithIdZero()
    {
        using var folder = TemporaryTokenizerFolder.CopyOfClip();
        folder.Write("tokenizer_config.json", """{ "model_max_length": 77, "pad_token": "!" }""");

        var tokenizer = ClipTokenizer.Load(folder.Path);
        var result = tokenizer.Encode("a photo of a cat");

        Assert.Equal(0, tokenizer.PadId);
        Assert.Equal([49406, 320, 1125, 539, 320, 2368, 49407, .. Enumerable.Repeat(0, 70)], result.Ids);
    }

    [Fact]
    public void Load_WhenSpecialTokensMapDeclaresPadAsObject_ReadsItsContent()
    {
        using var folder = TemporaryTokenizerFolder.CopyOfClip();
        folder.Write("special_tokens_map.json", """{ "pad_token": { "content": "!", "lstrip": false, "normalized": false } }""");

        Assert.Equal(0, ClipTokenizer.Load(folder.Path).PadId);
    }

    [Fact]
    public void Load_WhenBothConfigsDeclarePad_PrefersSpecialTokensMap()
    {
        using var folder = TemporaryTokenizerFolder.CopyOfClip();
        folder.Write("tokenizer_config.json", """{ "pad_token": "<|endoftext|>" }""");
        folder.Write("special_tokens_map.json", """{ "pad_token": "!" }""");

        Assert.Equal(0, ClipTokenizer.Load(folder.Path).PadId);
    }

    [Fact]
    public void Load_WhenPadTokenIsNull_FallsBackToEndOfText()
    {
        using var folder = TemporaryTokenizerFolder.CopyOfClip();
        folder.Write("tokenizer_config.json", """{ "pad_token": null }""");

        Assert.Equal(49407, ClipTokenizer.Load(folder.Path).PadId);
    }

    [Fact]
    public void Load_WhenPadTokenIsNotInVocabulary_ThrowsNamingTheConfig()
    {
        using var folder = TemporaryTokenizerFolder.CopyOfClip();
        folder.Write("tokenizer_config.json", """{ "pad_token": "<pad-that-does-not-exist>" }""");

        var ex = Assert.Throws<InvalidDataException>(() => ClipTokenizer.Load(folder.Path));
        Assert.Contains("tokenizer_config.json", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_WhenFolderIsMissing_ThrowsFileNotFoundNamingVocab()
    {
        var missing = Path.Combine(Path.GetTempPath(), "sdportal-no-such-folder-" + Guid.NewGuid().ToString("N"));

        var ex = Assert.Throws<FileNotFoundException>(() => ClipTokenizer.Load(missing));
        Assert.EndsWith("vocab.json", ex.FileName, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_WhenMergesAreMissing_ThrowsFileNotFoundNamingMerges()
    {
        using var folder = TemporaryTokenizerFolder.CopyOfClip();
        File.Delete(folder.File("merges.txt"));

        var ex = Assert.Throws<FileNotFoundException>(() => ClipTokenizer.Load(folder.Path));
        Assert.EndsWith("merges.txt", ex.FileName, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_WhenVocabIsNotJson_ThrowsInvalidDataNamingVocab()
    {
        using var folder = TemporaryTokenizerFolder.CopyOfClip();
        folder.Write("vocab.json", "{ \"a\": 1, ");

        var ex = Assert.Throws<InvalidDataException>(() => ClipTokenizer.Load(folder.Path));
        Assert.Contains("vocab.json", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_WhenVocabIdIsNotAnInteger_ThrowsInvalidDataNamingVocab()
    {
        using var folder = TemporaryTokenizerFolder.CopyOfClip();
        folder.Write("vocab.json", """{ "a": "one" }""");

        var ex = Assert.Throws<InvalidDataException>(() => ClipTokenizer.Load(folder.Path));
        Assert.Contains("vocab.json", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_WhenMergeLineIsMalformed_ThrowsInvalidDataNamingMergesAndLine()
    {
        using var folder = TemporaryTokenizerFolder.CopyOfClip();
        folder.Write("merges.txt", "#version: 0.2\ni n\nt h e\n");

        var ex = Assert.Throws<InvalidDataException>(() => ClipTokenizer.Load(folder.Path));
        Assert.Contains("merges.txt line 3", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_WhenMergeUsesUnknownSymbol_ThrowsInvalidDataNamingMerges()
    {
        using var folder = TemporaryTokenizerFolder.CopyOfClip();
        folder.Write("merges.txt", "#version: 0.2\ni n\nnot-a-symbol x\n");

        var ex = Assert.Throws<InvalidDataException>(() => ClipTokenizer.Load(folder.Path));
        Assert.Contains("merges.txt", ex.Message, StringComparison.Ordinal);
        Assert.Contains("not-a-symbol", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_WhenMergesFileIsLongerThanClipUses_ReadsOnlyTheFirst48894()
    {
        // The shared file holds exactly 48894 merges after its header; anything beyond must be ignored, not rejected.
        using var folder = TemporaryTokenizerFolder.CopyOfClip();
        File.AppendAllText(folder.File("merges.txt"), "this line would not parse\n");

        var tokenizer = ClipTokenizer.Load(folder.Path);

        Assert.Equal(SharedClipTokenizer.Padded([320, 1125, 539, 320, 2368]), tokenizer.Encode("a photo of a cat").Ids);
    }
}
